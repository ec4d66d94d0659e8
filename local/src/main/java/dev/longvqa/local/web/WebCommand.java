package dev.longvqa.local.web;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code local web}: the web page against the deployed API, through a signing proxy on loopback ({@link WebProxy}). */
@Command(name = "web", mixinStandardHelpOptions = true,
        description = "Serve the web page on http://127.0.0.1:PORT and forward its API calls to the deployed API, "
                + "signed (SigV4) with your AWS credentials.")
public final class WebCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--api", required = true, paramLabel = "URL",
            description = "the deployed API (the stack's ApiUrl output), e.g. https://ID.execute-api.REGION.amazonaws.com")
    URI api;

    @Option(names = "--port", descriptionKey = "local.web-port", description = "listen on 127.0.0.1:PORT (0: any free port; default: ${DEFAULT-VALUE}); "
            + "the bucket's CORS rule names this origin (infra synth --web-origin)")
    int port;

    @Option(names = "--region", description = "the signing region (default: the one in the API's host name, else the SDK's region chain)")
    String region;

    @Option(names = "--profile", description = "the AWS profile whose credentials sign (default: the SDK's default credential chain)")
    String profile;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AwsCredentialsProvider credentials = profile == null
                ? DefaultCredentialsProvider.builder().build()
                : DefaultCredentialsProvider.builder().profileName(profile).build();
        AwsCredentials resolved;
        Region signingRegion;
        try {
            // resolved once here so that missing credentials fail now, not on the page's first call
            resolved = credentials.resolveCredentials();
            signingRegion = region != null ? Region.of(region)
                    : WebProxy.regionOf(api).orElseGet(() -> DefaultAwsRegionProviderChain.builder().build().getRegion());
        } catch (SdkException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        WebProxy proxy;
        try {
            proxy = WebProxy.builder().api(api).region(signingRegion).credentials(credentials).port(port).start();
        } catch (IllegalArgumentException | IOException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        try (proxy) {
            out.println("The web page: " + proxy.endpoint() + "/");
            out.println("  API calls go to " + proxy.api() + ", signed (SigV4, " + WebProxy.SERVICE + ", " + proxy.region().id() + ") as "
                    + (profile == null ? "the default AWS credentials" : "AWS profile " + profile)
                    + " (access key " + masked(resolved.accessKeyId()) + ").");
            out.println("  Every job the page creates is owned by that IAM principal. Listening on 127.0.0.1 only; Ctrl-C to stop.");
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }

    /** {@code AKIA…WXYZ}: enough to tell keys apart, not the whole id. */
    static String masked(String accessKeyId) {
        return accessKeyId.length() <= 8 ? "…" : accessKeyId.substring(0, 4) + "…" + accessKeyId.substring(accessKeyId.length() - 4);
    }
}
