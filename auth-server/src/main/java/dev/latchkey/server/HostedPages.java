package dev.latchkey.server;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.AuthService;
import dev.latchkey.api.ErrorCode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The pages the {@code local-userpass} provider's mailed links open, so that confirmation and
 * password reset work without anyone writing a front end: plain server-rendered HTML, no script,
 * nothing loaded from elsewhere. Every other path goes on to the JSON API.
 *
 * <ul>
 *   <li>{@value #CONFIRM_PATH}: GET shows a button (a form), POST confirms. A GET never spends the
 *       single-use token: mail scanners and link prefetchers open links by themselves.</li>
 *   <li>{@value #RESET_PATH}: GET shows a form for the new password (typed twice), POST sets it.</li>
 * </ul>
 *
 * <p>The token and its id go from the link's query into hidden fields, and come back in the POST
 * body, never in a URL the server logs (the access log has no queries anyway). A POST must be a
 * same-origin form post ({@code Sec-Fetch-Site}, {@code Origin}), {@code
 * application/x-www-form-urlencoded}, at most {@value #MAX_FORM_BYTES} bytes. What the engine
 * answers is told in words, without anything that would help someone guessing tokens: a used, an
 * expired and a made-up link all get the same page.
 */
final class HostedPages extends Handler.Wrapper {
    static final String PREFIX = "/pages/";
    static final String CONFIRM_PATH = "/pages/confirm-email";
    static final String RESET_PATH = "/pages/reset-password";
    /** A form holds a token, its id and twice a password of at most 128 characters, percent-encoded: far below this. */
    static final int MAX_FORM_BYTES = 8 * 1024;
    /** Tokens are 43 characters and ids 32: anything much longer is not one of ours. */
    static final int MAX_TOKEN_LENGTH = 512;

    static final String USED_TITLE = "This link has been used or has expired";
    private static final Logger LOG = Logger.getLogger(HostedPages.class.getName());
    private static final String FORM_TYPE = "application/x-www-form-urlencoded";

    private final AuthService engine;
    private final PublicUrls urls;
    private final TrustedProxies proxies;
    private final RequestLimits limits;
    private final AccessLog accessLog = new AccessLog();

    HostedPages(AuthService engine, PublicUrls urls, ServerConfig config, RequestLimits limits, Handler next) {
        super(next);
        this.engine = engine;
        this.urls = urls;
        this.proxies = config.trustedProxies();
        this.limits = limits;
    }

    /** What a page answers: status, title, the HTML after the heading, extra headers. */
    private record Page(int status, String title, String bodyHtml, Map<String, String> headers) {
        static Page of(int status, String title, String bodyHtml) {
            return new Page(status, title, bodyHtml, Map.of());
        }

        Page withHeader(String name, String value) {
            Map<String, String> copy = new LinkedHashMap<>(headers);
            copy.put(name, value);
            return new Page(status, title, bodyHtml, copy);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (path == null || !path.startsWith(PREFIX)) {
            return super.handle(request, response, callback);
        }
        long started = System.nanoTime();
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        String client = clientAddress(request);
        Reply reply = new Reply(response, callback, started, method, path, client);
        Page early = guarded(() -> beforeBody(request, method, path, client));
        if (early != null) {
            reply.send(early);
            return true;
        }
        boolean confirm = path.equals(CONFIRM_PATH);
        // The form is read as it arrives, holding no thread while a client trickles it (see AsyncBody).
        AsyncBody.read(request, MAX_FORM_BYTES, new AsyncBody.Outcome() {
            @Override
            public void read(byte[] body) {
                reply.send(guarded(() -> submitted(body, confirm)));
            }

            @Override
            public void tooLarge() {
                reply.send(Page.of(413, "This form is too large", PageHtml.paragraph("Use the page's own form.")));
            }

            @Override
            public void failed(boolean timedOut) {
                reply.send(Page.of(timedOut ? 408 : 400, "This form did not arrive",
                        PageHtml.paragraph("Open the link from your email again.")));
            }
        });
        return true;
    }

    /** Sends a page and logs the request. */
    private final class Reply {
        private final Response response;
        private final Callback callback;
        private final long started;
        private final String method;
        private final String path;
        private final String client;

        Reply(Response response, Callback callback, long started, String method, String path, String client) {
            this.response = response;
            this.callback = callback;
            this.started = started;
            this.method = method;
            this.path = path;
            this.client = client;
        }

        void send(Page page) {
            // Jetty sends no body to a HEAD request, but the length of the one a GET would get.
            byte[] body = PageHtml.page(page.title(), page.bodyHtml()).getBytes(StandardCharsets.UTF_8);
            writeHeaders(response, page, body.length);
            int status = page.status();
            response.write(true, ByteBuffer.wrap(body), Callback.from(() -> {
                callback.succeeded();
                accessLog.log(Instant.now(), method, path, status, (System.nanoTime() - started) / 1_000_000, client, body.length);
            }, failure -> {
                callback.failed(failure);
                accessLog.log(Instant.now(), method, path, status, (System.nanoTime() - started) / 1_000_000, client, 0);
            }));
        }
    }

    /** A page, or the 500 page when building it failed. */
    private static Page guarded(java.util.concurrent.Callable<Page> work) {
        try {
            return work.call();
        } catch (Exception e) {
            // The class only: a message may quote what the client sent, and the form holds a password.
            LOG.log(Level.WARNING, "unexpected failure answering a hosted page: " + e.getClass().getName());
            return Page.of(500, "Something went wrong", PageHtml.paragraph("Please try again in a few minutes."));
        }
    }

    /**
     * Everything settled before a body is read: the server's rate limits (the pages count as any
     * other request), unknown pages, GETs, and a POST's origin, type and declared size. Null: a
     * POST whose form must be read.
     */
    private Page beforeBody(Request request, String method, String path, String client) {
        try {
            limits.admit(method, path, client);
        } catch (ApiError e) {
            Page page = Page.of(e.status(), "Too many requests", PageHtml.paragraph("Please wait a few minutes, then try again."));
            String retry = e.headers().get("Retry-After");
            return retry == null ? page : page.withHeader("Retry-After", retry);
        }
        boolean confirm = path.equals(CONFIRM_PATH);
        if (!confirm && !path.equals(RESET_PATH)) {
            return Page.of(404, "Page not found", PageHtml.paragraph("There is no page at this address."));
        }
        return switch (method) {
            case "GET", "HEAD" -> show(request, confirm);
            case "POST" -> checkPost(request);
            default -> Page.of(405, "Method not allowed", PageHtml.paragraph("This page is opened with a link and sent with its button."))
                    .withHeader("Allow", "GET, HEAD, POST");
        };
    }

    // ---- GET: the form, with the link's token in hidden fields

    private static Page show(Request request, boolean confirm) {
        String query = request.getHttpURI().getQuery();
        Optional<Link> link;
        try {
            link = Link.from(FormBody.parse(query == null ? new byte[0] : query.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IllegalArgumentException e) {
            link = Optional.empty();
        }
        if (link.isEmpty()) {
            return incompleteLink();
        }
        return confirm ? confirmForm(link.get()) : resetForm(link.get(), null);
    }

    private static Page confirmForm(Link link) {
        return Page.of(200, "Confirm your email address",
                PageHtml.paragraph("Press the button to confirm the email address you registered with.")
                        + "\n<form method=\"post\" action=\"" + CONFIRM_PATH + "\" accept-charset=\"utf-8\">"
                        + link.hiddenFields()
                        + "<button type=\"submit\" id=\"confirm\">Confirm my email address</button></form>");
    }

    private static Page resetForm(Link link, String error) {
        return Page.of(error == null ? 200 : 400, "Choose a new password",
                (error == null ? "" : PageHtml.error(error) + "\n")
                        + "<form method=\"post\" action=\"" + RESET_PATH + "\" accept-charset=\"utf-8\">"
                        + link.hiddenFields()
                        // No minlength: the length rule is the provider's setting, and its own words say it.
                        + "<label for=\"password\">New password</label>"
                        + "<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"new-password\" required autofocus>"
                        + "<label for=\"passwordAgain\">New password, again</label>"
                        + "<input type=\"password\" id=\"passwordAgain\" name=\"passwordAgain\" autocomplete=\"new-password\" required>"
                        + "<button type=\"submit\" id=\"change\">Change my password</button></form>");
    }

    // ---- POST: checks, then the engine

    /** A POST's checks before its body is read; null when the form should be read. */
    private Page checkPost(Request request) {
        if (!sameOrigin(request)) {
            return Page.of(403, "This form cannot be sent from another site",
                    PageHtml.paragraph("Open the link from your email and use the button on its page."));
        }
        if (!isForm(request.getHeaders().get(HttpHeader.CONTENT_TYPE))) {
            return Page.of(415, "This form was not sent as a form", PageHtml.paragraph("Use the button on the page."));
        }
        if (request.getLength() > MAX_FORM_BYTES) {
            return Page.of(413, "This form is too large", PageHtml.paragraph("Use the page's own form."));
        }
        return null;
    }

    private Page submitted(byte[] body, boolean confirm) {
        FormBody form;
        try {
            form = FormBody.parse(body);
        } catch (IllegalArgumentException e) {
            return Page.of(400, "This form could not be read", PageHtml.paragraph("Open the link from your email again."));
        }
        Optional<Link> link = Link.from(form);
        if (link.isEmpty()) {
            return incompleteLink();
        }
        return confirm ? confirm(link.get()) : reset(link.get(), form);
    }

    private Page confirm(Link link) {
        try {
            engine.emailPassword().confirmUser(link.token(), link.tokenId());
        } catch (AuthException e) {
            return failure(e, "If your address is not confirmed yet, ask the app to send you a new confirmation email."
                    + " If it is, you can log in.");
        }
        return Page.of(200, "Email address confirmed", PageHtml.paragraph("You can now log in."));
    }

    private Page reset(Link link, FormBody form) {
        String password = form.get("password").orElse("");
        String again = form.get("passwordAgain").orElse("");
        if (password.isEmpty()) {
            return resetForm(link, "Type your new password, twice.");
        }
        if (!password.equals(again)) {
            return resetForm(link, "The two passwords are not the same. Type the new password twice.");
        }
        try {
            engine.emailPassword().resetPassword(link.token(), link.tokenId(), password);
        } catch (AuthException e) {
            if (e.code() == ErrorCode.BAD_PASSWORD) {
                // The provider's reasons are words about the rule ("a password needs at least 8 characters"), never the password.
                return resetForm(link, sentence(e.getMessage()));
            }
            return failure(e, "Ask the app to send you a new password-reset email.");
        }
        return Page.of(200, "Password changed",
                PageHtml.paragraph("Log in with your new password. Every device that was logged in has been logged out."));
    }

    /** One page per kind of failure; a used, expired, replaced or made-up link cannot be told apart. */
    private static Page failure(AuthException e, String whatNow) {
        return switch (e.code()) {
            case USERPASS_TOKEN_INVALID, USER_ALREADY_CONFIRMED, USER_NOT_FOUND -> Page.of(400, USED_TITLE,
                    PageHtml.paragraph("A link works once, and only for a limited time.") + "\n" + PageHtml.paragraph(whatNow));
            case PROVIDER_NOT_FOUND, PROVIDER_DISABLED, OPERATION_NOT_ALLOWED -> Page.of(404, "Not available",
                    PageHtml.paragraph("This server does not confirm addresses or reset passwords by email."));
            case RATE_LIMITED -> {
                Page page = Page.of(429, "Too many attempts", PageHtml.paragraph("Please wait a few minutes, then try again."));
                yield e.retryAfter().map(d -> page.withHeader("Retry-After", Long.toString(d.getSeconds()))).orElse(page);
            }
            default -> {
                // The code only: the engine's messages name no secret, but nothing here needs more.
                LOG.warning("hosted page: the engine answered " + e.code());
                yield Page.of(500, "Something went wrong", PageHtml.paragraph("Please try again in a few minutes."));
            }
        };
    }

    private static Page incompleteLink() {
        return Page.of(400, "This link is incomplete", PageHtml.paragraph(
                "Open the link from your email again. If your mail program split it over two lines, copy the whole link."));
    }

    private static String sentence(String message) {
        String text = message == null || message.isBlank() ? "this password cannot be used" : message.strip();
        text = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return text.endsWith(".") ? text : text + ".";
    }

    // ---- request checks

    /**
     * Whether a POST comes from one of our own pages. Browsers say so in {@code Sec-Fetch-Site};
     * {@code Origin} is usually {@code null} on our pages' posts, because their {@code no-referrer}
     * policy makes browsers hide it, so a real Origin is checked when sent, and a {@code null}
     * one counts only with {@code Sec-Fetch-Site: same-origin}. A request with neither header is
     * not from a browser that could be tricked into a cross-site post: it could call the JSON API as well.
     */
    private boolean sameOrigin(Request request) {
        String site = request.getHeaders().get("Sec-Fetch-Site");
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (site != null && !site.strip().equalsIgnoreCase("same-origin")) {
            return false;
        }
        if (origin == null) {
            return true;
        }
        if (origin.strip().equals("null")) {
            return site != null;
        }
        String self = urls.baseFor(request.getHeaders().get(HttpHeader.HOST));
        return normalOrigin(origin).map(o -> o.equals(normalOrigin(self).orElse(null))).orElse(false);
    }

    private static Optional<String> normalOrigin(String text) {
        try {
            URI uri = new URI(text.strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return Optional.empty();
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
            return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase(FORM_TYPE)) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip().toLowerCase(Locale.ROOT);
            if (parameter.startsWith("charset=") && !List.of("utf-8", "\"utf-8\"").contains(parameter.substring(8))) {
                return false;
            }
        }
        return true;
    }

    private String clientAddress(Request request) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return "unknown";
        }
        InetAddress peer = inet.getAddress();
        return IpAddresses.text(proxies.clientAddress(peer, request.getHeaders().getValuesList(HttpHeader.X_FORWARDED_FOR)));
    }

    private static void writeHeaders(Response response, Page page, int length) {
        response.setStatus(page.status());
        var headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, "text/html;charset=utf-8");
        headers.put("Content-Security-Policy", PageHtml.CONTENT_SECURITY_POLICY);
        // The page's URL holds the token: no Referer may carry it anywhere.
        headers.put("Referrer-Policy", "no-referrer");
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put("X-Frame-Options", "DENY");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Cross-Origin-Opener-Policy", "same-origin");
        headers.put("Cross-Origin-Resource-Policy", "same-origin");
        page.headers().forEach(headers::put);
        headers.put(HttpHeader.CONTENT_LENGTH, Integer.toString(length));
    }

    /** A mailed link's token and id, as the page's hidden fields carry them. */
    private record Link(String token, String tokenId) {
        static Optional<Link> from(FormBody fields) {
            Optional<String> token = fields.get("token").filter(Link::plausible);
            Optional<String> tokenId = fields.get("tokenId").filter(Link::plausible);
            return token.isPresent() && tokenId.isPresent() ? Optional.of(new Link(token.get(), tokenId.get())) : Optional.empty();
        }

        /** Its shape is the provider's business; this only keeps out what could not be a token at all. */
        private static boolean plausible(String value) {
            return !value.isEmpty() && value.length() <= MAX_TOKEN_LENGTH && value.chars().allMatch(c -> c > 0x20 && c < 0x7f);
        }

        String hiddenFields() {
            return PageHtml.hidden("token", token) + PageHtml.hidden("tokenId", tokenId);
        }

        @Override
        public String toString() {
            return "Link[hidden]";
        }
    }
}
