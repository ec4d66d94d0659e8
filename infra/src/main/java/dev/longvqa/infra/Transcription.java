package dev.longvqa.infra;

import dev.longvqa.contract.S3Layout;
import dev.longvqa.contract.TranscriptSource;
import java.util.List;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.stepfunctions.StateMachine;

/**
 * What the workflow's Amazon Transcribe branch ({@code StartTranscription} … {@code TranscriptSkipped}
 * in the ASL) may do, granted only when the stack's {@link TranscriptSource} is
 * {@link TranscriptSource#TRANSCRIBE}: start and poll jobs named {@code longvqa-{jobId}}; let
 * Transcribe, which acts with the caller's permissions, read the upload and write its output
 * under the job's prefix ({@code jobs/*&#47;transcript*}, {@link S3Layout#transcriptGrantPattern()});
 * note a skipped transcript in the job row. With {@code worker} or {@code off} the branch never
 * runs and the role gets none of this.
 */
final class Transcription {
  /** The ASL's job names: {@code States.Format('longvqa-{}', $.jobId)}. */
  static final String JOB_NAME_PREFIX = "longvqa-";

  private Transcription() {}

  static void grant(StateMachine stateMachine, Storage storage, TranscriptSource source) {
    if (source != TranscriptSource.TRANSCRIBE) return;
    Stack stack = Stack.of(stateMachine);
    stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
        .actions(List.of("transcribe:StartTranscriptionJob", "transcribe:GetTranscriptionJob"))
        .resources(List.of(stack.formatArn(ArnComponents.builder().service("transcribe").resource("transcription-job")
            .resourceName(JOB_NAME_PREFIX + "*").arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build())))
        .build());
    storage.bucket().grantRead(stateMachine, Storage.VIDEOS_PREFIX + "*");
    storage.bucket().grantPut(stateMachine, S3Layout.transcriptGrantPattern());
    storage.jobsTable().grant(stateMachine, "dynamodb:UpdateItem");
    Nag.acceptOnly(stateMachine.getRole(), "AwsSolutions-IAM5",
        "Amazon Transcribe reads the upload and writes its output with the workflow's permissions: reads are "
            + "scoped to videos/, writes to jobs/*/transcript* (CDK's read/put action groups), and the "
            + "transcription jobs to the names the workflow gives them (longvqa-<job id>).",
        "Action::s3:GetObject*", "Action::s3:GetBucket*", "Action::s3:List*", "Action::s3:Abort*",
        "/^Resource::<StorageBucket[0-9A-F]+\\.Arn>\\/videos\\/\\*$/",
        "/^Resource::<StorageBucket[0-9A-F]+\\.Arn>\\/jobs\\/\\*\\/transcript\\*$/",
        "/^Resource::arn:<AWS::Partition>:transcribe:<AWS::Region>:<AWS::AccountId>:transcription-job\\/longvqa-\\*$/");
  }
}
