package dev.longvqa.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.ArrayList;
import java.util.List;
import software.constructs.IConstruct;

/**
 * Accepting a cdk-nag finding always takes a written reason, and for wildcard findings (IAM5) the
 * exact findings it covers, so a new, unrelated wildcard is still reported.
 */
final class Nag {
  private Nag() {}

  /** Suppresses {@code rule} on {@code scope} and its children. */
  static void accept(IConstruct scope, String rule, String reason) {
    NagSuppressions.addResourceSuppressions(scope,
        List.of(NagPackSuppression.builder().id(rule).reason(reason).build()), true);
  }

  /**
   * Suppresses only the listed findings of {@code rule}: exact finding ids such as
   * {@code Action::s3:GetObject*}, or {@code /regex/} for ids that embed generated logical ids.
   */
  static void acceptOnly(IConstruct scope, String rule, String reason, String... findings) {
    List<Object> appliesTo = new ArrayList<>();
    for (String f : findings) {
      appliesTo.add(f.startsWith("/") ? RegexAppliesTo.builder().regex(f + "g").build() : f);
    }
    NagSuppressions.addResourceSuppressions(scope,
        List.of(NagPackSuppression.builder().id(rule).reason(reason).appliesTo(appliesTo).build()), true);
  }

  /** The wildcards CDK's bucket grant methods emit for {@code grantRead}/{@code grantPut} on a key prefix. */
  static void acceptBucketPrefixGrants(IConstruct scope) {
    acceptOnly(scope, "AwsSolutions-IAM5",
        "Bucket access comes from grantRead/grantPut scoped to one key prefix of the longvqa bucket "
            + "(videos/, questions/, jobs/ or cache/); the action wildcards are CDK's read/put action groups "
            + "(GetObject*, GetBucket*, List*, Abort*), none is service-wide.",
        "Action::s3:GetObject*", "Action::s3:GetBucket*", "Action::s3:List*", "Action::s3:Abort*",
        "/^Resource::<StorageBucket[0-9A-F]+\\.Arn>\\/(videos|questions|jobs|cache)\\/\\*$/");
  }

  /**
   * The table's index ARNs CDK's {@code Table#grant} adds to every grant once the table has an index
   * (the API's owner index): only Query and Scan read an index, so the item actions the stages hold
   * authorise nothing there; the API's Query on its owner index is what the index is for.
   */
  static void acceptTableIndexGrants(IConstruct scope) {
    acceptOnly(scope, "AwsSolutions-IAM5",
        "<table ARN>/index/* is added by Table#grant whenever the jobs table has an index (the API's owner "
            + "index): GetItem/PutItem/UpdateItem on an index authorise nothing, and the API's Query reads the "
            + "owner index only through the caller's own partition.",
        "/^Resource::<StorageJobs[0-9A-F]+\\.Arn>\\/index\\/\\*$/");
  }
}
