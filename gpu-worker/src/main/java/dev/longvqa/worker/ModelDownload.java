package dev.longvqa.worker;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Supplier;

/**
 * Weights the stack keeps in S3, copied to instance storage before the model opens (model mode
 * "Java runtime with weights from S3", and the TDC vision/Q-Former weights of every mode):
 * {@code LONGVQA_LLM=runtime:s3://BUCKET/PREFIX/} and {@code LONGVQA_TDC=s3://BUCKET/PREFIX/} become
 * the local directories {@code LONGVQA_MODEL_DIR/llm} and {@code …/tdc}. A file already there with the
 * object's size is kept (a restarted task does not copy again).
 */
final class ModelDownload {
    static final String S3 = "s3://";
    private static final String RUNTIME = "runtime:";
    private static final System.Logger LOG = System.getLogger(ModelDownload.class.getName());

    /** What the model opens: the spec and the TDC directory, local. */
    record Sources(String spec, Path tdcDir) {}

    private ModelDownload() {}

    /** {@code config}'s spec and TDC directory, with {@code s3://} locations copied first (only then is S3 asked for). */
    static Sources resolve(WorkerConfig config, Supplier<S3Client> s3) {
        String spec = config.modelSpec().strip();
        if (spec.startsWith(RUNTIME + S3)) {
            spec = RUNTIME + fetch(s3.get(), spec.substring(RUNTIME.length()), config.modelDir().resolve("llm"));
        }
        String tdc = config.tdcLocation();
        Path tdcDir = tdc != null && tdc.startsWith(S3) ? fetch(s3.get(), tdc, config.modelDir().resolve("tdc")) : config.tdcDir();
        return new Sources(spec, tdcDir);
    }

    /** Every object under the prefix, to {@code target} by its key below the prefix. */
    static Path fetch(S3Client s3, String s3Uri, Path target) {
        String rest = s3Uri.substring(S3.length());
        int slash = rest.indexOf('/');
        if (slash <= 0) throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "s3://BUCKET/PREFIX/ expected, got " + s3Uri);
        String bucket = rest.substring(0, slash);
        String prefix = rest.substring(slash + 1);
        if (!prefix.isEmpty() && !prefix.endsWith("/")) prefix += "/";
        final String from = prefix;
        long t0 = System.nanoTime();
        int files = 0;
        long bytes = 0;
        try {
            Files.createDirectories(target);
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(from)).contents()) {
                if (o.key().endsWith("/")) continue; // a folder marker
                Path dest = target.resolve(o.key().substring(from.length())).normalize();
                if (!dest.startsWith(target)) {
                    throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "s3://" + bucket + "/" + o.key() + " leaves " + target);
                }
                files++;
                bytes += o.size();
                if (Files.isRegularFile(dest) && Files.size(dest) == o.size()) continue;
                Files.createDirectories(dest.getParent());
                Path part = dest.resolveSibling(dest.getFileName() + ".part");
                Files.deleteIfExists(part);
                s3.getObject(b -> b.bucket(bucket).key(o.key()), part);
                Files.move(part, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + s3Uri + " to " + target, e);
        } catch (SdkException e) {
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "cannot read the weights at " + s3Uri + ": " + e.getMessage(), e);
        }
        if (files == 0) throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "no weights under " + s3Uri);
        LOG.log(System.Logger.Level.INFO, "copied " + s3Uri + " to " + target + ": " + files + " file(s), " + bytes / (1 << 20)
                + " MiB in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        return target;
    }
}
