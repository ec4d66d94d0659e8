package dev.longvqa.worker;

import dev.longvqa.reason.backend.ConverseTransport;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.AccessDeniedException;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ImageSource;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.InternalServerException;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.bedrockruntime.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The core's Bedrock Converse backend over the AWS SDK v2: the one place that knows the SDK's
 * types and exceptions. The client honours {@code AWS_ENDPOINT_URL_BEDROCK_RUNTIME} like every
 * other client here.
 */
final class BedrockSdkTransport implements ConverseTransport, AutoCloseable {
    private final BedrockRuntimeClient client;

    public BedrockSdkTransport(BedrockRuntimeClient client) {
        this.client = client;
    }

    @Override
    public Reply converse(Request call) throws Fault {
        List<ContentBlock> content = new ArrayList<>();
        for (Block b : call.content()) {
            content.add(switch (b) {
                case TextBlock t -> ContentBlock.fromText(t.text());
                case ConverseTransport.ImageBlock i -> ContentBlock.fromImage(software.amazon.awssdk.services.bedrockruntime.model.ImageBlock.builder().format(i.format())
                        .source(ImageSource.fromBytes(SdkBytes.fromByteArray(i.bytes()))).build());
            });
        }
        ConverseRequest.Builder req = ConverseRequest.builder().modelId(call.modelId())
                .messages(Message.builder().role(ConversationRole.USER).content(content).build())
                .inferenceConfig(InferenceConfiguration.builder().maxTokens(call.maxTokens())
                        .temperature((float) call.temperature()).build());
        if (call.system() != null && !call.system().isBlank()) req.system(SystemContentBlock.fromText(call.system()));
        try {
            ConverseResponse r = client.converse(req.build());
            String text = r.output().message().content().stream().map(ContentBlock::text)
                    .filter(t -> t != null).collect(Collectors.joining());
            int in = r.usage() == null ? 0 : r.usage().inputTokens();
            int out = r.usage() == null ? 0 : r.usage().outputTokens();
            return new Reply(text, in, out, r.stopReasonAsString());
        } catch (ThrottlingException e) {
            throw new Fault(Fault.Category.THROTTLED, e.getMessage(), e);
        } catch (ServiceUnavailableException | ModelNotReadyException | InternalServerException | SdkClientException e) {
            throw new Fault(Fault.Category.TRANSIENT, e.getMessage(), e);
        } catch (ResourceNotFoundException | AccessDeniedException e) {
            throw new Fault(Fault.Category.UNAVAILABLE, e.getMessage(), e);
        } catch (ValidationException e) {
            throw new Fault(Fault.Category.REJECTED, e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
