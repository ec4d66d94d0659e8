package dev.longvqa.infra;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/** The whole deployment: storage, the GPU workers and their queue, and the workflow between them. */
public final class LongVqaStack extends Stack {

  private final Storage storage;
  private final GpuWorkers gpuWorkers;
  private final Workflow workflow;

  public LongVqaStack(Construct scope, String id, StackProps props, InfraConfig config) {
    super(scope, id, props);
    storage = new Storage(this, "Storage", config);
    gpuWorkers = new GpuWorkers(this, "GpuWorkers", config, storage);
    workflow = new Workflow(this, "Workflow", config, storage, gpuWorkers.taskQueue());
    gpuWorkers.acceptTasksFrom(workflow.stateMachine());
    new Alarms(this, "Alarms", workflow, gpuWorkers);

    output("BucketName", storage.bucket().getBucketName(), "Upload videos under s3://<this>/videos/");
    output("JobsTableName", storage.jobsTable().getTableName(), "One row per job (partition key jobId)");
    output("StateMachineArn", workflow.stateMachine().getStateMachineArn(), "The longvqa workflow");
    output("TaskQueueUrl", gpuWorkers.taskQueue().getQueueUrl(), "GPU tasks (segment, answer)");
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

  public Workflow workflow() {
    return workflow;
  }
}
