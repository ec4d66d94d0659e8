package dev.longvqa.infra;

import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * What an operator must hear about, as CloudWatch alarms (subscribe an SNS topic or a chat
 * integration to them; the stack does not guess where to send them): anything in a dead-letter
 * queue, a task waiting too long for a GPU, executions that failed, timed out or were aborted, and
 * GPU workers running with nothing to do (paid-for idle).
 */
final class Alarms extends Construct {

  static final Duration BACKLOG_AGE_LIMIT = Duration.hours(1);
  static final Duration IDLE_LIMIT = Duration.minutes(30);

  public Alarms(Construct scope, String id, Workflow workflow, GpuWorkers workers) {
    super(scope, id);
    MetricOptions fiveMinMax = MetricOptions.builder().period(Duration.minutes(5)).statistic("Maximum").build();
    MetricOptions fiveMinSum = MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build();

    dlq("TaskDlqNotEmpty", workers.deadLetterQueue(), "GPU tasks no worker could finish (after 3 receives)", fiveMinMax);
    dlq("UploadEventsDlqNotEmpty", workflow.eventsDlq(), "uploads whose workflow could not be started", fiveMinMax);

    alarm("TaskBacklogTooOld", workers.taskQueue().metricApproximateAgeOfOldestMessage(fiveMinMax),
        BACKLOG_AGE_LIMIT.toSeconds().doubleValue(), 1,
        "a GPU task has waited over " + BACKLOG_AGE_LIMIT.toHours() + " h: no capacity (quota, instance type) or workers failing");

    var sm = workflow.stateMachine();
    alarm("ExecutionsFailed", sm.metricFailed(fiveMinSum), 1, 1, "workflow executions failed");
    alarm("ExecutionsTimedOut", sm.metricTimedOut(fiveMinSum), 1, 1, "workflow executions timed out");
    alarm("ExecutionsAborted", sm.metricAborted(fiveMinSum), 1, 1, "workflow executions were stopped");

    // running tasks (Container Insights) while the queue holds nothing, visible or in flight
    IMetric running = Metric.Builder.create().namespace("ECS/ContainerInsights").metricName("RunningTaskCount")
        .dimensionsMap(Map.of("ClusterName", workers.service().getCluster().getClusterName(),
            "ServiceName", workers.service().getServiceName()))
        .period(Duration.minutes(5)).statistic("Maximum").build();
    MathExpression idle = MathExpression.Builder.create()
        .expression("IF(running > 0 AND (visible + inflight) == 0, running, 0)")
        .usingMetrics(Map.of(
            "running", running,
            "visible", workers.taskQueue().metricApproximateNumberOfMessagesVisible(fiveMinMax),
            "inflight", workers.taskQueue().metricApproximateNumberOfMessagesNotVisible(fiveMinMax)))
        .period(Duration.minutes(5))
        .label("Idle GPU workers")
        .build();
    alarm("WorkersIdle", idle, 1, IDLE_LIMIT.toMinutes().intValue() / 5,
        "GPU workers have run " + IDLE_LIMIT.toMinutes() + " min with an empty queue: scale-in is not happening");
  }

  private void dlq(String id, IQueue queue, String what, MetricOptions options) {
    alarm(id, queue.metricApproximateNumberOfMessagesVisible(options), 1, 1, what);
  }

  private void alarm(String id, IMetric metric, double threshold, int periods, String description) {
    Alarm.Builder.create(this, id)
        .metric(metric)
        .threshold(threshold)
        .evaluationPeriods(periods)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .alarmDescription("longvqa: " + description)
        .build();
  }
}
