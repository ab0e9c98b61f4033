package dev.ferry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class TransientTest {

    @Test
    void aTransientFailureIsTriedAgainUntilTheStepSucceeds() {
        AtomicInteger attempts = new AtomicInteger();
        String value = Transient.retry("read", Duration.ofSeconds(30), () -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("ledger away", new SQLNonTransientConnectionException("Connection refused", "08000"));
            }
            return "done";
        });
        assertThat(value).isEqualTo("done");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void anythingElseFailsAtOnce() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> Transient.retry("write", Duration.ofSeconds(30), () -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("a bug", new SQLSyntaxErrorException("Table 'x' doesn't exist", "42S02"));
        })).isInstanceOf(IllegalStateException.class).hasMessage("a bug");
        assertThat(attempts).hasValue(1);
        assertThatThrownBy(() -> Transient.run("npe", Duration.ofSeconds(30), () -> {
            throw new NullPointerException();
        })).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aTransientFailurePastTheBoundEndsAsExhausted() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> Transient.run("publish", Duration.ofMillis(500), () -> {
            attempts.incrementAndGet();
            throw new org.apache.kafka.common.errors.TimeoutException("broker away");
        })).isInstanceOf(Transient.Exhausted.class).hasMessageContaining("publish");
        assertThat(attempts.get()).isGreaterThan(1);
    }
}
