package dev.latchkey.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The hosted pages' HTML: one plain layout, no script, no outside resource, one inline style sheet
 * that the Content-Security-Policy allows by its hash (so no {@code 'unsafe-inline'}). Every value
 * that did not come from this class goes through {@link #escape}.
 */
final class PageHtml {
    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}\
            h1{font-size:1.5rem}\
            label{display:block;margin-top:1rem}\
            input{display:block;width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}\
            button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem}\
            .error{color:#a00000;font-weight:600}""";

    /** The policy for every hosted page: nothing may load, only our style applies, forms post only here. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src '" + sha256(STYLE) + "'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";

    private PageHtml() {
    }

    /**
     * A whole page.
     *
     * @param title the title and heading, plain text
     * @param bodyHtml what follows the heading, already HTML (built with {@link #escape} where it holds values)
     * @return the document
     */
    static String page(String title, String bodyHtml) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"robots\" content=\"noindex, nofollow\">"
                + "<title>" + escape(title) + "</title><style>" + STYLE + "</style></head>\n"
                + "<body><main><h1>" + escape(title) + "</h1>\n" + bodyHtml + "\n</main></body></html>\n";
    }

    /** A paragraph of plain text. */
    static String paragraph(String text) {
        return "<p>" + escape(text) + "</p>";
    }

    /** A paragraph a screen reader announces as an error. */
    static String error(String text) {
        return "<p class=\"error\" role=\"alert\" id=\"error\">" + escape(text) + "</p>";
    }

    /** A hidden form field. */
    static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + escape(name) + "\" value=\"" + escape(value) + "\">";
    }

    /**
     * Text made safe for an HTML text node or a double- or single-quoted attribute value.
     *
     * @param text any text
     * @return the text with {@code & < > " '} as character references
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256.
            throw new IllegalStateException(e);
        }
    }
}
