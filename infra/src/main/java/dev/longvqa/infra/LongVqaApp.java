package dev.longvqa.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.cxapi.CloudAssembly;

/**
 * The CDK app: one {@link LongVqaStack}, checked against the cdk-nag AwsSolutions rules at every
 * synth (findings become synth-time errors, so an unsuppressed one stops {@code cdk deploy}).
 */
record LongVqaApp(App app, LongVqaStack stack) {

  public static final String STACK_NAME = "LongVqa";

  public static LongVqaApp create(InfraConfig config) {
    App app = new App(AppProps.builder().outdir(config.outdir().toString()).build());
    // Environment-agnostic: account and region come from the credentials at deploy time.
    LongVqaStack stack = new LongVqaStack(app, STACK_NAME,
        StackProps.builder().description("longvqa: long-video question answering workflow").build(), config);
    // Cost allocation and cleanup: every taggable resource says which project it belongs to.
    Tags.of(stack).add("project", "longvqa");
    Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    return new LongVqaApp(app, stack);
  }

  public CloudAssembly synth() {
    return app.synth();
  }
}
