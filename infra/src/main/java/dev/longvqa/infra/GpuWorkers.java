package dev.longvqa.infra;

import dev.longvqa.contract.WorkerEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.applicationautoscaling.AdjustmentType;
import software.amazon.awscdk.services.applicationautoscaling.BasicStepScalingPolicyProps;
import software.amazon.awscdk.services.applicationautoscaling.EnableScalingProps;
import software.amazon.awscdk.services.applicationautoscaling.ScalingInterval;
import software.amazon.awscdk.services.autoscaling.AutoScalingGroup;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.ec2.BlockDevice;
import software.amazon.awscdk.services.ec2.BlockDeviceVolume;
import software.amazon.awscdk.services.ec2.EbsDeviceOptions;
import software.amazon.awscdk.services.ec2.EbsDeviceVolumeType;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.LaunchTemplate;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecr.RepositoryAttributes;
import software.amazon.awscdk.services.ecs.AmiHardwareType;
import software.amazon.awscdk.services.ecs.AsgCapacityProvider;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.CapacityProviderStrategy;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerDependency;
import software.amazon.awscdk.services.ecs.ContainerDependencyCondition;
import software.amazon.awscdk.services.ecs.NetworkMode;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.Ec2Service;
import software.amazon.awscdk.services.ecs.Ec2TaskDefinition;
import software.amazon.awscdk.services.ecs.EcsOptimizedImage;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.ScalableTaskCount;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * The GPU side: the task queue the workflow's waitForTaskToken states send to, and an ECS service
 * on GPU instances that drains it. Both the tasks and the instances scale from zero on the queue's
 * backlog: the service's task count follows the backlog, the capacity provider adds or removes
 * instances for the tasks it has to place.
 *
 * <p>Network: public subnets, no NAT gateway, no inbound rule. The instances need outbound access
 * to ECR, ECS, SQS, S3 and Step Functions; a public IP does that for nothing, where a NAT gateway
 * or interface endpoints would cost more than an idle fleet.
 */
final class GpuWorkers extends Construct {

  /** Memory the worker container reserves, leaving room for the ECS agent on a 16 GiB g5.xlarge. */
  private static final int WORKER_MEMORY_MIB = 14_000;

  private final Queue taskQueue;
  private final Queue deadLetterQueue;
  private final Ec2TaskDefinition taskDefinition;
  private final Ec2Service service;

  public GpuWorkers(Construct scope, String id, InfraConfig config, Storage storage) {
    super(scope, id);

    deadLetterQueue = Queue.Builder.create(this, "TaskDlq")
        .encryption(QueueEncryption.SQS_MANAGED)
        .enforceSsl(true)
        .retentionPeriod(Duration.days(14))
        .build();
    // A worker holds a message while it works (extending its visibility with each heartbeat) and
    // deletes it after SendTaskSuccess/Failure; a message that kept crashing workers ends in the DLQ,
    // and the state's HeartbeatSeconds fails the task so the workflow does not wait for it.
    taskQueue = Queue.Builder.create(this, "TaskQueue")
        .encryption(QueueEncryption.SQS_MANAGED)
        .enforceSsl(true)
        .visibilityTimeout(Duration.minutes(15))
        .receiveMessageWaitTime(Duration.seconds(20))
        .retentionPeriod(Duration.days(4))
        .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetterQueue).maxReceiveCount(3).build())
        .build();

    Vpc vpc = Vpc.Builder.create(this, "Vpc")
        .maxAzs(2)
        .natGateways(0)
        .subnetConfiguration(List.of(SubnetConfiguration.builder()
            .name("public").subnetType(SubnetType.PUBLIC).cidrMask(24).build()))
        .flowLogs(Map.of("FlowLog", FlowLogOptions.builder()
            .destination(FlowLogDestination.toCloudWatchLogs(logGroup("FlowLogs")))
            .build()))
        .build();

    Cluster cluster = Cluster.Builder.create(this, "Cluster")
        .vpc(vpc)
        .containerInsightsV2(ContainerInsights.ENABLED)
        .build();

    SecurityGroup instanceSg = SecurityGroup.Builder.create(this, "InstanceSg")
        .vpc(vpc)
        .description("GPU workers: no inbound, outbound to AWS APIs and the image registry")
        .allowAllOutbound(true)
        .build();
    Role instanceRole = Role.Builder.create(this, "InstanceRole")
        .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
        .build();
    LaunchTemplate launchTemplate = LaunchTemplate.Builder.create(this, "LaunchTemplate")
        // ECS-optimized GPU AMI (NVIDIA driver + container toolkit), resolved from its public SSM
        // parameter at deploy time. AL2023 rather than AL2: AL2 reached end of support in 2026-06.
        .machineImage(EcsOptimizedImage.amazonLinux2023(AmiHardwareType.GPU))
        .instanceType(new InstanceType(config.gpuInstanceType()))
        .userData(UserData.forLinux())
        .role(instanceRole)
        .securityGroup(instanceSg)
        .associatePublicIpAddress(true)
        .requireImdsv2(true)
        .detailedMonitoring(true)
        // Room for the CUDA image and model weights; encrypted at rest.
        .blockDevices(List.of(BlockDevice.builder()
            .deviceName("/dev/xvda")
            .volume(BlockDeviceVolume.ebs(100, EbsDeviceOptions.builder()
                .volumeType(EbsDeviceVolumeType.GP3).encrypted(true).deleteOnTermination(true).build()))
            .build()))
        .build();
    AutoScalingGroup fleet = AutoScalingGroup.Builder.create(this, "Fleet")
        .vpc(vpc)
        .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PUBLIC).build())
        .launchTemplate(launchTemplate)
        .minCapacity(0)
        .maxCapacity(config.maxGpuInstances())
        .build();
    AsgCapacityProvider capacity = AsgCapacityProvider.Builder.create(this, "Capacity")
        .autoScalingGroup(fleet)
        // Instances running a task are protected from scale-in; ECS drains before terminating.
        .enableManagedTerminationProtection(true)
        .enableManagedDraining(true)
        .targetCapacityPercent(100)
        .build();
    cluster.addAsgCapacityProvider(capacity);
    Nag.acceptOnly(instanceRole, "AwsSolutions-IAM5",
        "The ECS container-instance permissions CDK adds when the group joins the cluster: "
            + "ecs:Submit* and ecs:Poll/DiscoverPollEndpoint/StartTelemetrySession, ecr:GetAuthorizationToken "
            + "and logs have no resource-level scoping (the cluster-scoped ones carry an ecs:cluster condition).",
        "Resource::*", "Action::ecs:Submit*");
    Nag.accept(fleet, "AwsSolutions-AS3",
        "Scaling is driven by ECS (capacity provider) from the task backlog; instance launches and "
            + "failures surface in ECS service events and Container Insights, no SNS consumer exists.");

    boolean sidecar = config.model() instanceof ModelProvision.VllmSidecar;
    taskDefinition = Ec2TaskDefinition.Builder.create(this, "Task")
        // host networking: the worker reaches a model sidecar on localhost (one task per GPU instance)
        .networkMode(sidecar ? NetworkMode.HOST : NetworkMode.BRIDGE)
        .build();
    ContainerDefinition worker = taskDefinition.addContainer("worker", ContainerDefinitionOptions.builder()
        .image(containerImage(WorkerImage.resolve(config.workerImage(), config.repoRoot(), config.allowPlaceholders())))
        // with a sidecar, vLLM holds the GPU; the worker's TDC towers share it (NVIDIA_VISIBLE_DEVICES below)
        .gpuCount(sidecar ? null : 1)
        .memoryReservationMiB(sidecar ? WORKER_MEMORY_MIB / 3 : WORKER_MEMORY_MIB)
        // Time to send SendTaskFailure (or let the heartbeat lapse) and release the message.
        .stopTimeout(Duration.seconds(120))
        // The worker's own names (WorkerEnv): DeployedWorkerTest starts the worker jar with exactly
        // this environment. AWS_REGION explicitly: the worker refuses to guess one.
        .environment(workerEnvironment(storage, config))
        .logging(LogDriver.awsLogs(AwsLogDriverProps.builder()
            .logGroup(logGroup("WorkerLogs")).streamPrefix("worker").build()))
        .build());

    provisionModel(config.model(), worker);
    config.tdc().ifPresent(t -> {
      String[] p = ModelProvision.s3Prefix(t, "--tdc");
      Bucket.fromBucketName(this, "TdcWeights", p[0]).grantRead(taskDefinition.getTaskRole(), p[1] + "*");
      Nag.acceptOnly(taskDefinition.getTaskRole(), "AwsSolutions-IAM5",
          "The worker reads the TDC vision/Q-Former weights under the one configured prefix.",
          "Resource::arn:<AWS::Partition>:s3:::" + p[0] + "/" + p[1] + "*");
    });

    taskQueue.grantConsumeMessages(taskDefinition.getTaskRole());
    // task scale-in protection while a task is in flight (the worker asks its ECS agent)
    taskDefinition.addToTaskRolePolicy(PolicyStatement.Builder.create()
        .actions(List.of("ecs:UpdateTaskProtection", "ecs:GetTaskProtection"))
        .resources(List.of(Stack.of(this).formatArn(ArnComponents.builder()
            .service("ecs").resource("task").resourceName(cluster.getClusterName() + "/*")
            .arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build())))
        .build());
    Nag.acceptOnly(taskDefinition.getTaskRole(), "AwsSolutions-IAM5",
        "Task scale-in protection names the task itself, whose id is only known at run time: "
            + "the grant covers the tasks of this one cluster.",
        "/^Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task\\/<GpuWorkersCluster[0-9A-F]+>\\/\\*$/");
    // JobRows: notes on the row (retries, poison messages); the worker never reads or creates rows.
    storage.jobsTable().grant(taskDefinition.getTaskRole(), "dynamodb:UpdateItem");
    storage.bucket().grantRead(taskDefinition.getTaskRole(), Storage.VIDEOS_PREFIX + "*");
    for (String prefix : List.of(Storage.JOBS_PREFIX, Storage.CACHE_PREFIX)) {
      storage.bucket().grantRead(taskDefinition.getTaskRole(), prefix + "*");
      storage.bucket().grantPut(taskDefinition.getTaskRole(), prefix + "*");
    }

    Nag.accept(taskDefinition, "AwsSolutions-ECS2",
        "The environment holds resource names only (queue URL, bucket name), no secrets.");
    Nag.acceptBucketPrefixGrants(taskDefinition.getTaskRole());
    Nag.acceptOnly(taskDefinition.obtainExecutionRole(), "AwsSolutions-IAM5",
        "Pulling from ECR needs ecr:GetAuthorizationToken, which has no resource-level permissions; "
            + "the image pull itself (BatchGetImage, GetDownloadUrlForLayer) is granted on the one repository.",
        "Resource::*");

    service = Ec2Service.Builder.create(this, "Service")
        .cluster(cluster)
        .taskDefinition(taskDefinition)
        .desiredCount(0)
        // One GPU per task and no spare instances: replace tasks in place on deployment.
        .minHealthyPercent(0)
        .maxHealthyPercent(100)
        .circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
        .capacityProviderStrategies(List.of(CapacityProviderStrategy.builder()
            .capacityProvider(capacity.getCapacityProviderName()).weight(1).build()))
        .build();
    scaleOnBacklog(service.autoScaleTaskCount(EnableScalingProps.builder()
        .minCapacity(0).maxCapacity(config.maxGpuInstances()).build()), config.maxGpuInstances());
  }

  /**
   * Task count = min(max, backlog), backlog = visible + in-flight messages. Counting in-flight
   * messages keeps busy workers alive: a worker holds its message until the task is answered, so
   * the count only drops to zero when nothing is queued and nothing is being worked on.
   */
  private void scaleOnBacklog(ScalableTaskCount tasks, int max) {
    MetricOptions oneMinuteMax = MetricOptions.builder().period(Duration.minutes(1)).statistic("Maximum").build();
    MathExpression backlog = MathExpression.Builder.create()
        .expression("visible + inflight")
        .usingMetrics(Map.of(
            "visible", taskQueue.metricApproximateNumberOfMessagesVisible(oneMinuteMax),
            "inflight", taskQueue.metricApproximateNumberOfMessagesNotVisible(oneMinuteMax)))
        .label("Task backlog")
        .period(Duration.minutes(1))
        .build();
    tasks.scaleOnMetric("Backlog", BasicStepScalingPolicyProps.builder()
        .metric(backlog)
        .adjustmentType(AdjustmentType.EXACT_CAPACITY)
        .scalingSteps(backlogSteps(max))
        .cooldown(Duration.minutes(1))
        .build());
  }

  /** {@code backlog 0 -> 0 tasks}, then {@code >= k -> k} for k = 1, 2, 4, ... and max. */
  static List<ScalingInterval> backlogSteps(int max) {
    List<ScalingInterval> steps = new ArrayList<>();
    steps.add(ScalingInterval.builder().upper(0).change(0).build());
    for (int k = 1; k < max; k *= 2) {
      steps.add(ScalingInterval.builder().lower(k).change(k).build());
    }
    steps.add(ScalingInterval.builder().lower(max).change(max).build());
    return steps;
  }

  private ContainerImage containerImage(WorkerImage image) {
    return switch (image) {
      case WorkerImage.Ecr ecr -> ContainerImage.fromEcrRepository(
          Repository.fromRepositoryAttributes(this, "WorkerRepository", RepositoryAttributes.builder()
              .repositoryArn(ecr.repositoryArn()).repositoryName(ecr.repository()).build()),
          ecr.tag());
      case WorkerImage.Registry registry -> ContainerImage.fromRegistry(registry.uri());
      case WorkerImage.Asset asset -> ContainerImage.fromAsset(asset.directory().toString(),
          software.amazon.awscdk.services.ecs.AssetImageProps.builder()
              .file(asset.dockerfile())
              .ignoreMode(software.amazon.awscdk.IgnoreMode.DOCKER)
              .build());
      case WorkerImage.Placeholder placeholder -> ContainerImage.fromRegistry(placeholder.uri());
    };
  }

  private LogGroup logGroup(String id) {
    return LogGroup.Builder.create(this, id)
        .retention(RetentionDays.ONE_MONTH)
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
  }

  private Map<String, String> workerEnvironment(Storage storage, InfraConfig config) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    env.put(WorkerEnv.TASK_QUEUE_URL.variable(), taskQueue.getQueueUrl());
    env.put(WorkerEnv.BUCKET.variable(), storage.bucket().getBucketName());
    env.put(WorkerEnv.TABLE.variable(), storage.jobsTable().getTableName());
    env.put(WorkerEnv.AWS_REGION.variable(), Stack.of(this).getRegion());
    env.put(WorkerEnv.LLM.variable(), config.model().workerSpec(config.tdc().isPresent()));
    // TDC weights stay in S3; the worker copies them to instance storage at start (ModelDownload)
    config.tdc().ifPresent(t -> env.put(WorkerEnv.TDC.variable(), t));
    // who makes the transcript: the worker converts Transcribe's output, runs its own recogniser, or neither
    env.put(WorkerEnv.TRANSCRIPT.variable(), config.transcripts().value());
    if (config.model() instanceof ModelProvision.VllmSidecar) {
      // the sidecar holds the task's one GPU; the NVIDIA runtime shows it to the worker as well
      env.put(WorkerEnv.NVIDIA_VISIBLE_DEVICES.variable(), "all");
    }
    return env;
  }

  /** What each model mode needs beside the worker's LONGVQA_LLM: a grant, or a sidecar and its weights. */
  private void provisionModel(ModelProvision model, ContainerDefinition worker) {
    switch (model) {
      case ModelProvision.Bedrock b -> taskDefinition.addToTaskRolePolicy(PolicyStatement.Builder.create()
          // Converse is authorized as InvokeModel; exactly the configured foundation model
          .actions(List.of("bedrock:InvokeModel"))
          .resources(List.of(Stack.of(this).formatArn(ArnComponents.builder()
              .service("bedrock").account("").resource("foundation-model").resourceName(b.modelId())
              .arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build())))
          .build());
      case ModelProvision.VllmSidecar v -> {
        ContainerDefinition server = taskDefinition.addContainer("model", ContainerDefinitionOptions.builder()
            .image(ContainerImage.fromRegistry(ModelProvision.VLLM_IMAGE))
            .gpuCount(1)
            .memoryReservationMiB(WORKER_MEMORY_MIB / 2)
            .essential(true)
            // weights streamed from S3 to the GPU at start; prompt embeddings for TDC contexts
            .command(List.of("--model", v.s3Uri(), "--load-format", "runai_streamer", "--enable-prompt-embeds",
                "--host", "127.0.0.1", "--port", Integer.toString(ModelProvision.VLLM_PORT)))
            .environment(Map.of("AWS_REGION", Stack.of(this).getRegion()))
            .healthCheck(software.amazon.awscdk.services.ecs.HealthCheck.builder()
                .command(List.of("CMD-SHELL", "curl -fsS http://127.0.0.1:" + ModelProvision.VLLM_PORT + "/health || exit 1"))
                .interval(Duration.seconds(30)).timeout(Duration.seconds(5))
                .startPeriod(Duration.seconds(300)).retries(10).build())
            .logging(LogDriver.awsLogs(AwsLogDriverProps.builder()
                .logGroup(logGroup("ModelLogs")).streamPrefix("model").build()))
            .build());
        // readiness gate: the worker starts only once the model answers /health
        worker.addContainerDependencies(ContainerDependency.builder()
            .container(server).condition(ContainerDependencyCondition.HEALTHY).build());
        Bucket.fromBucketName(this, "ModelWeights", v.bucket()).grantRead(taskDefinition.getTaskRole(), v.prefix() + "*");
        Nag.acceptOnly(taskDefinition.getTaskRole(), "AwsSolutions-IAM5",
            "The model sidecar reads the weights under the one configured prefix (every object of the checkpoint).",
            "Resource::arn:<AWS::Partition>:s3:::" + v.bucket() + "/" + v.prefix() + "*");
      }
      case ModelProvision.JavaRuntime r -> {
        // the worker copies the checkpoint to instance storage at start and runs it in-process
        Bucket.fromBucketName(this, "ModelWeights", r.bucket()).grantRead(taskDefinition.getTaskRole(), r.prefix() + "*");
        Nag.acceptOnly(taskDefinition.getTaskRole(), "AwsSolutions-IAM5",
            "The worker reads the checkpoint under the one configured prefix (every object of it).",
            "Resource::arn:<AWS::Partition>:s3:::" + r.bucket() + "/" + r.prefix() + "*");
      }
      case ModelProvision.OpenAiServer o -> {
        // run elsewhere by the user: nothing to provision
      }
    }
  }

  /** Lets the workers answer (success, failure, heartbeat) the tasks of this state machine. */
  public void acceptTasksFrom(IStateMachine stateMachine) {
    stateMachine.grantTaskResponse(taskDefinition.getTaskRole());
  }

  public Queue taskQueue() {
    return taskQueue;
  }

  public Queue deadLetterQueue() {
    return deadLetterQueue;
  }

  public Ec2Service service() {
    return service;
  }
}
