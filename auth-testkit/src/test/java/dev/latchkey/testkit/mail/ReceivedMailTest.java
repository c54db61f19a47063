package dev.latchkey.testkit.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Links and query parameters out of a mail's text. */
class ReceivedMailTest {
    private static ReceivedMail mailWith(String body) {
        return new ReceivedMail("a@example.com", List.of("ann@example.com"), "Confirm", body, Map.of());
    }

    @Test
    void linksAreFoundInOrderWithoutTheSentencePunctuationAfterThem() {
        ReceivedMail mail = mailWith("See https://example.com/help. Then open (https://app.example.com/confirm?token=t&tokenId=1), "
                + "or <http://localhost:8080/x?y=z>.");

        assertThat(mail.links()).extracting(ReceivedMail.Link::url).containsExactly(
                "https://example.com/help",
                "https://app.example.com/confirm?token=t&tokenId=1",
                "http://localhost:8080/x?y=z");
        assertThat(mail.link("https://app.example.com/").url()).isEqualTo("https://app.example.com/confirm?token=t&tokenId=1");
    }

    @Test
    void queryParametersAreUrlDecoded() {
        ReceivedMail.Link link = mailWith("https://app.example.com/reset?token=a%2Bb%2F%3D&name=J%C3%BCrgen+M&empty=&flag&token=second#frag")
                .link("https://app.example.com/reset");

        assertThat(link.queryParameter("token")).isEqualTo("a+b/=");
        assertThat(link.queryParameter("name")).isEqualTo("Jürgen M");
        assertThat(link.queryParameter("empty")).isEmpty();
        assertThat(link.queryParameter("flag")).isEmpty();
        assertThat(link.queryParameters().get("token")).containsExactly("a+b/=", "second");
        assertThat(link.uri().getHost()).isEqualTo("app.example.com");
    }

    @Test
    void aMissingLinkOrParameterFailsWithoutShowingTokens() {
        ReceivedMail mail = mailWith("open https://app.example.com/confirm?token=SECRET-TOKEN now");

        assertThatThrownBy(() -> mail.link("https://other.example.com"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no link starting with https://other.example.com")
                .hasMessageContaining("https://app.example.com/confirm?...")
                .hasMessageNotContaining("SECRET-TOKEN");
        assertThatThrownBy(() -> mail.link("https://app.example.com").queryParameter("tokenId"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no query parameter 'tokenId'")
                .hasMessageContaining("[token]")
                .hasMessageNotContaining("SECRET-TOKEN");
    }

    @Test
    void toStringLeavesTheBodyOut() {
        assertThat(mailWith("https://app.example.com/confirm?token=SECRET-TOKEN").toString())
                .contains("ann@example.com", "Confirm")
                .doesNotContain("SECRET-TOKEN");
    }
}
