package dev.latchkey.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ContractTimeoutsTest {

    @Test
    void withersChangeOneBoundOnly() {
        ContractTimeouts t = ContractTimeouts.defaults().withBackendStall(Duration.ofSeconds(3));

        assertThat(t.call()).isEqualTo(ContractTimeouts.DEFAULT_CALL);
        assertThat(t.backendStall()).isEqualTo(Duration.ofSeconds(3));
        assertThat(t.withCall(Duration.ofSeconds(1)).call()).isEqualTo(Duration.ofSeconds(1));
        assertThat(t.withConcurrentRun(Duration.ofSeconds(9)).concurrentRun()).isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void boundsMustBePositive() {
        assertThatThrownBy(() -> ContractTimeouts.defaults().withCall(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ContractTimeouts.defaults().withBackendStall(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ContractTimeouts.defaults().withConcurrentRun(null)).isInstanceOf(NullPointerException.class);
    }
}
