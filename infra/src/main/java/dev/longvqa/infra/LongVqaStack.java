package dev.longvqa.infra;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/** The whole deployment: storage, the GPU workers and their queue, and the workflow between them. */
final class LongVqaStack extends Stack {

  private final Storage storage;
  private final GpuWorkers gpuWorkers;
  private final Workflow workflow;
  private final Api api;

  public LongVqaStack(Construct scope, String id, StackProps props, InfraConfig config) {
    super(scope, id, props);
    storage = new Storage(this, "Storage", config);
    gpuWorkers = new GpuWorkers(this, "GpuWorkers", config, storage);
    workflow = new Workflow(this, "Workflow", config, storage, gpuWorkers.taskQueue());
    gpuWorkers.acceptTasksFrom(workflow.stateMachine());
    new Alarms(this, "Alarms", workflow, gpuWorkers);
    api = new Api(this, "Api", config, storage, workflow, gpuWorkers.taskQueue());
    gpuWorkers.acceptTasksFrom(api.answerStateMachine());
    // every role granted on the jobs table also gets its index ARN from CDK (Nag#acceptTableIndexGrants)
    Nag.acceptTableIndexGrants(this);

    output("BucketName", storage.bucket().getBucketName(), "Upload videos under s3://<this>/videos/");
    output("JobsTableName", storage.jobsTable().getTableName(), "One row per job (partition key jobId)");
    output("StateMachineArn", workflow.stateMachine().getStateMachineArn(), "The longvqa workflow");
    output("TaskQueueUrl", gpuWorkers.taskQueue().getQueueUrl(), "GPU tasks (segment, answer)");
    output("ApiUrl", api.url(), "The jobs and questions API: every route needs SigV4 (IAM, service execute-api); docs/API.md");
    output("AnswerStateMachineArn", api.answerStateMachine().getStateMachineArn(), "Answer-only runs for follow-up questions");
    output("TaskDlqUrl", gpuWorkers.deadLetterQueue().getQueueUrl(), "GPU tasks no worker could finish");
  }

  private void output(String id, String value, String description) {
    CfnOutput.Builder.create(this, id).value(value).description(description).build();
  }

  public Storage storage() {
    return storage;
  }

  public GpuWorkers gpuWorkers() {
    return gpuWorkers;
  }

  public Api api() {
    return api;
  }

  public Workflow workflow() {
    return workflow;
  }
}
