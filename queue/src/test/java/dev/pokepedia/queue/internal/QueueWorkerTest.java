package dev.pokepedia.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class QueueWorkerTest {

    @Test
    void aFailureIsRecordedWithItsTypeMessageAndCauses() {
        String s = QueueWorker.describe(new IllegalStateException("boom", new IOException("disk gone")));
        assertThat(s).isEqualTo("java.lang.IllegalStateException: boom <- caused by java.io.IOException: disk gone");
    }

    @Test
    void hugeErrorMessagesAreTruncated() {
        assertThat(QueueWorker.describe(new RuntimeException("x".repeat(100_000)))).hasSize(4_000);
    }
}
