package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bfloat16 made inside libtorch ({@link Bfloat16}): the cast is round-to-nearest-even of the
 * float32 bits, stays in the caller's manager, and the ops DJL would abort the JVM on (softmax of
 * a bfloat16 array) go through {@link Nn#softmax}. A regression here kills the test JVM, which
 * fails the build as surely as an assertion.
 */
class Bfloat16Test {
    /** float32 -> bfloat16 -> float32, round to nearest even, in plain Java. */
    static float rounded(float f) {
        int bits = Float.floatToRawIntBits(f);
        int lsb = (bits >>> 16) & 1;
        return Float.intBitsToFloat((bits + 0x7fff + lsb) & 0xffff0000);
    }

    @Test
    void castRoundsToNearestEvenAndStaysInTheCallersManager() {
        float[] v = new float[4096];
        Random r = new Random(7);
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
        v[0] = 1f + 0x1p-8f; // a tie: rounds to even (1.0)
        v[1] = 1f + 0x3p-8f; // a tie: rounds to even (1 + 2^-6)
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDManager call = m.newSubManager()) {
            NDArray x = call.create(v, new Shape(64, 64));
            NDArray b = Bfloat16.of(x);
            assertThat(Bfloat16.is(b)).isTrue();
            assertThat(Bfloat16.of(b)).as("already bfloat16: itself").isSameAs(b);
            assertThat(b.getManager()).isSameAs(call);
            float[] back = b.toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < v.length; i++) assertThat(back[i]).as("value %d (%s)", i, v[i]).isEqualTo(rounded(v[i]));
            assertThat(back[0]).isEqualTo(1f);
            assertThat(back[1]).isEqualTo(1f + 0x1p-6f);
        }
    }

    @Test
    void softmaxAndTheQFormerOpsRunOnBfloat16Arrays() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray x = m.randomNormal(new Shape(2, 3, 8));
            NDArray b = Bfloat16.of(x);
            NDArray p = Nn.softmax(b);
            assertThat(Bfloat16.is(p)).as("softmax keeps the type").isTrue();
            float[] got = p.toType(DataType.FLOAT32, false).toFloatArray();
            float[] want = b.toType(DataType.FLOAT32, false).softmax(-1).toFloatArray();
            for (int i = 0; i < got.length; i++) assertThat(got[i]).isEqualTo(rounded(want[i]));
            // The rest of the forward's vocabulary keeps bfloat16 without a cast.
            NDArray y = Nn.cast(m.randomNormal(new Shape(8, 8)), DataType.BFLOAT16);
            assertThat(Bfloat16.is(b.matMul(y).add(b).div(2.0).sub(b.max(new int[]{-1}, true)).exp())).isTrue();
            NDArray mask = Nn.cast(m.ones(new Shape(3)).eq(1), DataType.BFLOAT16);
            assertThat(Bfloat16.is(mask)).as("from boolean (the projector's mask)").isTrue();
            assertThat(Bfloat16.is(mask.add(mask).clip(0, 1).sub(1).mul(1e9f))).isTrue();
            assertThat(Nn.cast(b, DataType.FLOAT32).getDataType()).isEqualTo(DataType.FLOAT32);
        }
    }
}
