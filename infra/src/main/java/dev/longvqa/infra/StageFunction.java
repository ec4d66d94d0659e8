package dev.longvqa.infra;

import dev.longvqa.contract.Handler;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Size;

/**
 * The five Lambda stages of the workflow. One Quarkus {@code function.zip} serves them all: the
 * {@code QUARKUS_LAMBDA_HANDLER} environment variable picks the {@code @Named} handler.
 *
 * @param contract    the handler name and ARN substitution, shared with functions/ and the ASL
 * @param memoryMb    memory, which also buys CPU: decode-range decodes video, so it gets the most
 * @param timeout     kept below the ASL task's TimeoutSeconds so Lambda, not the state, times out first
 * @param tmp         ephemeral /tmp: plan and decode-range download the video there
 */
enum StageFunction {
  REGISTER(Handler.REGISTER, 512, Duration.minutes(1), Size.mebibytes(512)),
  PLAN(Handler.PLAN, 2048, Duration.minutes(5), Size.gibibytes(10)),
  DECODE_RANGE(Handler.DECODE_RANGE, 3008, Duration.minutes(15), Size.gibibytes(10)),
  SEGMENT(Handler.SEGMENT, 2048, Duration.minutes(5), Size.gibibytes(2)),
  RECORD(Handler.RECORD, 512, Duration.minutes(1), Size.mebibytes(512));

  final Handler contract;
  final String handler;
  final String placeholder;
  final int memoryMb;
  final Duration timeout;
  final Size tmp;

  StageFunction(Handler contract, int memoryMb, Duration timeout, Size tmp) {
    this.contract = contract;
    this.handler = contract.handlerName();
    this.placeholder = contract.arnSubstitution().placeholder();
    this.memoryMb = memoryMb;
    this.timeout = timeout;
    this.tmp = tmp;
  }

  /** CDK construct id, e.g. {@code DecodeRange}. */
  String constructId() {
    return contract.constructId();
  }
}
