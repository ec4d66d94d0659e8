package dev.longvqa.worker;

import dev.longvqa.worker.store.BlobStores;

import dev.longvqa.contract.TaskMessage;
import dev.longvqa.contract.VideoRef;
import dev.longvqa.contract.JobQuestion;
import dev.longvqa.contract.LvcotSegment;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TaskMessagesTest {
    private final TaskMessages parser = new TaskMessages();
    private static final String VIDEO = "\"video\":{\"bucket\":\"b\",\"key\":\"videos/a.mp4\",\"etag\":\"\\\"e1\\\"\",\"sizeBytes\":42}";

    @Test
    void parsesASegmentTask() throws Exception {
        TaskMessage m = parser.parse("{\"taskToken\":\"t\",\"type\":\"segment\",\"jobId\":\"j\"," + VIDEO
                + ",\"scenesKey\":\"jobs/j/scenes.json\",\"segment\":{\"index\":2,\"count\":3,\"startSec\":10.5,\"endSec\":20}}");
        assertThat(m).isInstanceOf(TaskMessage.SegmentTask.class);
        var s = (TaskMessage.SegmentTask) m;
        assertThat(s.segment()).isEqualTo(new LvcotSegment(2, 3, 10.5, 20.0));
        assertThat(s.video().sizeBytes()).isEqualTo(42);
        assertThat(s.video().identity()).isEqualTo("b\nvideos/a.mp4\ne:e1");
        assertThat(s.scenesKey()).isEqualTo("jobs/j/scenes.json");
    }

    @Test
    void parsesAnAnswerTask() throws Exception {
        TaskMessage m = parser.parse("{\"taskToken\":\"t\",\"type\":\"answer\",\"jobId\":\"j\"," + VIDEO
                + ",\"segmentKeys\":[\"k0\",\"k1\"],\"questions\":[{\"id\":\"q0\",\"text\":\"Why?\"}]}");
        var a = (TaskMessage.AnswerTask) m;
        assertThat(a.segmentKeys()).containsExactly("k0", "k1");
        assertThat(a.questions()).containsExactly(new JobQuestion("q0", "Why?"));
    }

    @Test
    void anAnswerTaskMayOmitTheVideoButASegmentTaskMayNot() throws Exception {
        var a = (TaskMessage.AnswerTask) parser.parse("{\"taskToken\":\"t\",\"type\":\"answer\",\"jobId\":\"j\","
                + "\"questions\":[{\"id\":\"q0\",\"text\":\"Why?\"}]}");
        assertThat(a.video()).isNull();
        var e = catchThrowableOfType(BadMessageException.class, () -> parser.parse("{\"taskToken\":\"t\",\"type\":\"segment\","
                + "\"jobId\":\"j\",\"segment\":{\"index\":0,\"startSec\":0,\"endSec\":3}}"));
        assertThat(e.getMessage()).contains("video");
        var noBucket = catchThrowableOfType(dev.longvqa.error.LongVqaException.class,
                () -> ((BlobStores) name -> null).forTask(a, null));
        assertThat(noBucket.code()).isEqualTo(dev.longvqa.error.ErrorCode.BAD_REQUEST);
    }

    @Test
    void versionIdWinsOverEtagInTheIdentity() {
        assertThat(new VideoRef("b", "k", "v7", "e", 0L).identity()).isEqualTo("b\nk\nv:v7");
        assertThat(new VideoRef("b", "k", "null", "\"e\"", 0L).identity()).isEqualTo("b\nk\ne:e");
    }

    @Test
    void badBodiesKeepWhatWasReadable() {
        var notJson = catchThrowableOfType(BadMessageException.class, () -> parser.parse("{\"taskToken\":"));
        assertThat(notJson.jobId()).isNull();
        assertThat(notJson.taskToken()).isNull();

        var noToken = catchThrowableOfType(BadMessageException.class, () -> parser.parse("{\"type\":\"segment\",\"jobId\":\"j\"}"));
        assertThat(noToken.jobId()).isEqualTo("j");
        assertThat(noToken.taskToken()).isNull();
        assertThat(noToken.getMessage()).contains("taskToken");

        var badType = catchThrowableOfType(BadMessageException.class,
                () -> parser.parse("{\"taskToken\":\"t\",\"type\":\"train\",\"jobId\":\"j\"," + VIDEO + "}"));
        assertThat(badType.taskToken()).isEqualTo("t");
        assertThat(badType.getMessage()).contains("train");

        var backwards = catchThrowableOfType(BadMessageException.class, () -> parser.parse("{\"taskToken\":\"t\",\"type\":\"segment\","
                + "\"jobId\":\"j\"," + VIDEO + ",\"segment\":{\"index\":0,\"startSec\":9,\"endSec\":3}}"));
        assertThat(backwards.getMessage()).contains("bad segment");

        var noQuestions = catchThrowableOfType(BadMessageException.class,
                () -> parser.parse("{\"taskToken\":\"t\",\"type\":\"answer\",\"jobId\":\"j\"," + VIDEO + ",\"questions\":[]}"));
        assertThat(noQuestions.getMessage()).contains("questions");
    }
}
