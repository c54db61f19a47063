package dev.latchkey.testkit.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresDatabaseTest {
    @Test
    void toStringNeverShowsThePassword() {
        PostgresDatabase db = new PostgresDatabase("jdbc:postgresql://127.0.0.1:5/app?password=in-url", "latchkey", "pw-123456");

        assertThat(db.toString())
                .contains("jdbc:postgresql://127.0.0.1:5/app", "latchkey", "<hidden>")
                .doesNotContain("pw-123456", "in-url");
        assertThat(db.name()).isEqualTo("app");
    }

    @Test
    void aUrlOfAnotherDatabaseIsRefusedWithoutEchoingItsPassword() {
        assertThatThrownBy(() -> new PostgresDatabase("jdbc:mysql://h/app?password=in-url", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:postgresql:")
                .hasMessageNotContaining("in-url");
    }
}
