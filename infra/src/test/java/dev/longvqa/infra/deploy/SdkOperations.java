package dev.longvqa.infra.deploy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AWS operations a deployable unit's code calls, read from its compiled classes: every method
 * reference into an SDK v2 service client ({@code software/amazon/awssdk/services/<svc>/<Svc>Client})
 * or the S3 presigner, mapped to the IAM action that authorizes it. Reading the bytecode (not a
 * hand-kept list) is what makes a new call without a grant fail the grants test.
 */
final class SdkOperations {
  private static final Pattern CLIENT = Pattern.compile("software/amazon/awssdk/services/(\\w+)/(\\w+Client|S3Presigner)");
  /** IAM service prefix per SDK package. */
  private static final Map<String, String> PREFIX = Map.of(
      "s3", "s3", "dynamodb", "dynamodb", "sqs", "sqs", "sfn", "states", "bedrockruntime", "bedrock");
  /** Operations whose IAM action has another name. */
  private static final Map<String, String> ACTION = Map.ofEntries(
      Map.entry("s3:HeadObject", "s3:GetObject"),
      Map.entry("s3:GetObjectAsBytes", "s3:GetObject"),
      Map.entry("s3:ListObjectsV2", "s3:ListBucket"),
      Map.entry("s3:ListObjectsV2Paginator", "s3:ListBucket"),
      Map.entry("s3:ListObjects", "s3:ListBucket"),
      Map.entry("s3:PresignGetObject", "s3:GetObject"),
      // multipart uploads are authorised by s3:PutObject, their part listing by its own action
      Map.entry("s3:PresignPutObject", "s3:PutObject"),
      Map.entry("s3:PresignUploadPart", "s3:PutObject"),
      Map.entry("s3:CreateMultipartUpload", "s3:PutObject"),
      Map.entry("s3:CompleteMultipartUpload", "s3:PutObject"),
      Map.entry("s3:ListParts", "s3:ListMultipartUploadParts"),
      Map.entry("s3:ListPartsPaginator", "s3:ListMultipartUploadParts"),
      Map.entry("bedrock:Converse", "bedrock:InvokeModel"),
      Map.entry("bedrock:ConverseStream", "bedrock:InvokeModelWithResponseStream"));
  private static final Set<String> NOT_OPERATIONS = Set.of("close", "serviceName", "serviceClientConfiguration",
      "waiter", "utilities", "builder", "create");

  private SdkOperations() {}

  /** IAM action → the classes that need it. */
  static Map<String, Set<String>> of(Path classes) {
    Map<String, Set<String>> actions = new TreeMap<>();
    try (var files = Files.walk(classes)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          for (String action : read(in)) {
            actions.computeIfAbsent(action, k -> new TreeSet<>()).add(classes.relativize(f).toString());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return actions;
  }

  /** Walks the constant pool: method refs whose class is an SDK client. */
  private static Set<String> read(InputStream raw) throws IOException {
    DataInputStream in = new DataInputStream(raw);
    if (in.readInt() != 0xCAFEBABE) throw new IOException("not a class file");
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    int[] classNameIndex = new int[count];
    int[][] refs = new int[count][];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 7 -> classNameIndex[i] = in.readUnsignedShort();
        case 8, 16, 19, 20 -> in.readUnsignedShort();
        case 3, 4 -> in.readInt();
        case 5, 6 -> { in.readLong(); i++; }
        case 9, 10, 11, 12, 17, 18 -> {
          int a = in.readUnsignedShort(), b = in.readUnsignedShort();
          if (tag == 10 || tag == 11) refs[i] = new int[] {a, b};
          if (tag == 12) refs[i] = new int[] {-1, a}; // NameAndType: name index
        }
        case 15 -> { in.readUnsignedByte(); in.readUnsignedShort(); }
        default -> throw new IOException("constant pool tag " + tag);
      }
    }
    Set<String> out = new TreeSet<>();
    for (int i = 1; i < count; i++) {
      if (refs[i] == null || refs[i][0] < 0) continue;
      String owner = utf8[classNameIndex[refs[i][0]]];
      Matcher m = CLIENT.matcher(owner == null ? "" : owner);
      if (!m.matches()) continue;
      String method = utf8[refs[i + 0][1] > 0 ? refs[refs[i][1]][1] : 0];
      if (method == null || NOT_OPERATIONS.contains(method) || method.startsWith("<")) continue;
      String prefix = PREFIX.get(m.group(1));
      if (prefix == null) throw new IllegalStateException("no IAM prefix known for SDK package " + m.group(1));
      String op = prefix + ":" + Character.toUpperCase(method.charAt(0)) + method.substring(1);
      out.add(ACTION.getOrDefault(op, op));
    }
    return out;
  }
}
