/**
 * The contracts between longvqa's deployable units, each defined once and used by both sides of
 * its seam: the CDK stack (infra/) writes these names into the template, the Lambdas (functions/)
 * and the GPU worker (gpu-worker/) read them, the local cloud (local/) fills them in. A rename here
 * changes every side at once; a rename on one side only fails the deployment tests (infra/,
 * {@code DeployedArtifactsTest}), which start the real artifacts with the synthesized template's
 * wiring.
 *
 * <p>Plain Java only: no AWS SDK, no Quarkus, no ML, so every module may depend on it.
 */
package dev.longvqa.contract;
