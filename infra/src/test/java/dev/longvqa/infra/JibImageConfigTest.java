package dev.longvqa.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longvqa.contract.WorkerEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The two ways to build the worker image, the Dockerfile (what {@code cdk deploy} builds) and Jib
 * (gpu-worker's profile {@code jib}, no Docker daemon), start the same program the same way: entry
 * class, JVM flags, the worker's environment defaults and the health port.
 */
class JibImageConfigTest {
  private static final Path REPO = InfraConfig.findRepoRoot(Path.of(""));

  @Test
  void jibAndTheDockerfileStartTheSameWorker() throws Exception {
    Element pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(REPO.resolve("gpu-worker/pom.xml").toFile()).getDocumentElement();
    Element jib = null;
    NodeList profiles = pom.getElementsByTagName("profile");
    for (int i = 0; i < profiles.getLength(); i++) {
      Element p = (Element) profiles.item(i);
      if (text(p, "id").equals("jib")) jib = p;
    }
    assertThat(jib).as("gpu-worker has a jib profile").isNotNull();
    Element container = (Element) jib.getElementsByTagName("container").item(0);
    String dockerfile = Files.readString(REPO.resolve("gpu-worker/Dockerfile"));

    // the entry class: the one the jar's manifest names, which the Dockerfile runs with -jar
    String manifestMain = null;
    NodeList mains = pom.getElementsByTagName("mainClass");
    for (int i = 0; i < mains.getLength(); i++) {
      if (mains.item(i).getParentNode().getNodeName().equals("manifest")) manifestMain = mains.item(i).getTextContent().strip();
    }
    assertThat(text(container, "mainClass")).isEqualTo(manifestMain).isEqualTo("dev.longvqa.worker.WorkerMain");
    assertThat(dockerfile).contains("-jar /app/longvqa-gpu-worker.jar".replace(" ", "\", \""));

    // the JVM flags between "java" and "-jar" in the ENTRYPOINT
    Matcher entry = Pattern.compile("ENTRYPOINT \\[\"java\", (.*), \"-jar\"").matcher(dockerfile);
    assertThat(entry.find()).isTrue();
    List<String> dockerFlags = Arrays.stream(entry.group(1).split(",")).map(s -> s.strip().replace("\"", "")).toList();
    assertThat(children(container, "jvmFlags")).containsExactlyElementsOf(dockerFlags);

    // every worker variable the Dockerfile sets, and the JVM options, with the same value
    Map<String, String> jibEnv = new LinkedHashMap<>();
    NodeList env = ((Element) container.getElementsByTagName("environment").item(0)).getChildNodes();
    for (int i = 0; i < env.getLength(); i++) {
      if (env.item(i).getNodeType() == Node.ELEMENT_NODE) jibEnv.put(env.item(i).getNodeName(), env.item(i).getTextContent().strip());
    }
    Map<String, String> dockerEnv = new LinkedHashMap<>();
    Matcher kv = Pattern.compile("(?m)^\\s*(?:ENV\\s+)?([A-Z_]+)=(\"[^\"]*\"|\\S+)\\s*\\\\?$").matcher(dockerfile);
    while (kv.find()) dockerEnv.put(kv.group(1), kv.group(2).replace("\"", ""));
    int checked = 0;
    for (WorkerEnv w : WorkerEnv.values()) {
      if (dockerEnv.containsKey(w.variable())) {
        assertThat(jibEnv.get(w.variable())).as(w.variable()).isEqualTo(dockerEnv.get(w.variable()));
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(3);
    assertThat(jibEnv.get("JAVA_TOOL_OPTIONS")).isEqualTo(dockerEnv.get("JAVA_TOOL_OPTIONS"));

    Matcher expose = Pattern.compile("(?m)^EXPOSE (\\d+)").matcher(dockerfile);
    assertThat(expose.find()).isTrue();
    assertThat(children(container, "ports")).containsExactly(expose.group(1)).containsExactly(jibEnv.get(WorkerEnv.HEALTH_PORT.variable()));
  }

  private static String text(Element e, String tag) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeName().equals(tag)) return n.getTextContent().strip();
    }
    return "";
  }

  private static List<String> children(Element e, String tag) {
    List<String> out = new ArrayList<>();
    Element list = (Element) e.getElementsByTagName(tag).item(0);
    for (Node n = list.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeType() == Node.ELEMENT_NODE) out.add(n.getTextContent().strip());
    }
    return out;
  }
}
