package dev.longvqa.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Size;

/**
 * The five Lambda stages of the workflow. One Quarkus {@code function.zip} serves them all: the
 * {@code QUARKUS_LAMBDA_HANDLER} environment variable picks the {@code @Named} handler.
 *
 * @param handler     the {@code @Named} handler (docs/ARCHITECTURE.md, "Lambda task payloads")
 * @param placeholder the ASL substitution that receives this function's ARN
 * @param memoryMb    memory, which also buys CPU: decode-range decodes video, so it gets the most
 * @param timeout     kept below the ASL task's TimeoutSeconds so Lambda, not the state, times out first
 * @param tmp         ephemeral /tmp: plan and decode-range download the video there
 */
enum StageFunction {
  REGISTER("register", "RegisterFunctionArn", 512, Duration.minutes(1), Size.mebibytes(512)),
  PLAN("plan", "PlanFunctionArn", 2048, Duration.minutes(5), Size.gibibytes(10)),
  DECODE_RANGE("decode-range", "DecodeRangeFunctionArn", 3008, Duration.minutes(15), Size.gibibytes(10)),
  SEGMENT("segment", "SegmentFunctionArn", 2048, Duration.minutes(5), Size.gibibytes(2)),
  RECORD("record", "RecordFunctionArn", 512, Duration.minutes(1), Size.mebibytes(512));

  final String handler;
  final String placeholder;
  final int memoryMb;
  final Duration timeout;
  final Size tmp;

  StageFunction(String handler, String placeholder, int memoryMb, Duration timeout, Size tmp) {
    this.handler = handler;
    this.placeholder = placeholder;
    this.memoryMb = memoryMb;
    this.timeout = timeout;
    this.tmp = tmp;
  }

  /** CDK construct id, e.g. {@code DecodeRange}. */
  String constructId() {
    StringBuilder id = new StringBuilder();
    for (String part : handler.split("-")) {
      id.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return id.toString();
  }
}
