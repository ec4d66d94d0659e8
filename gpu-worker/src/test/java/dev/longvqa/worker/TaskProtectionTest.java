package dev.longvqa.worker;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class TaskProtectionTest {

    @Test
    void protectedFromTheFirstTaskInFlightUntilTheLastEnds() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        HttpServer agent = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        agent.createContext("/", x -> {
            try (x) {
                calls.add(x.getRequestMethod() + " " + x.getRequestURI().getPath() + " "
                        + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                x.sendResponseHeaders(200, -1);
            }
        });
        agent.start();
        try {
            TaskProtection p = TaskProtection.fromEnvironment(
                    Map.of("ECS_AGENT_URI", "http://127.0.0.1:" + agent.getAddress().getPort() + "/api/abc/"));
            p.taskStarted();
            p.taskStarted();
            p.taskEnded();
            assertThat(calls).containsExactly("PUT /api/abc/task-protection/v1/state {\"ProtectionEnabled\":true,\"ExpiresInMinutes\":360}");
            p.taskEnded();
            assertThat(calls).hasSize(2).last().isEqualTo("PUT /api/abc/task-protection/v1/state {\"ProtectionEnabled\":false}");
        } finally {
            agent.stop(0);
        }
    }

    @Test
    void outsideEcsItDoesNothing() {
        TaskProtection p = TaskProtection.fromEnvironment(Map.of());
        assertThat(p).isSameAs(TaskProtection.NONE);
        p.taskStarted();
        p.taskEnded();
    }

    @Test
    void anUnreachableAgentIsNotAnError() {
        TaskProtection p = new TaskProtection(URI.create("http://127.0.0.1:9/"));
        p.taskStarted();
        p.taskEnded();
    }
}
