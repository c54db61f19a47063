package dev.latchkey.server;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Jetty's side: reads the request (body bounded by {@code maxBodyBytes}), finds the client's
 * address, answers CORS preflights, hands the rest to {@link ClientApi}, turns failures into App
 * Services error bodies, adds the security headers, and writes the access log line.
 */
final class ApiHandler extends Handler.Abstract {
    private static final Logger LOG = Logger.getLogger(ApiHandler.class.getName());
    private static final String ALLOWED_METHODS = "GET, POST, PUT, DELETE";
    private static final String ALLOWED_HEADERS = "Authorization, Content-Type, Accept, X-Requested-With";

    private final ClientApi api;
    private final AdminApi admin;
    private final RequestLimits limits;
    private final ServerConfig config;
    private final AccessLog accessLog = new AccessLog();

    ApiHandler(ClientApi api, AdminApi admin, RequestLimits limits, ServerConfig config) {
        super(InvocationType.BLOCKING);
        this.api = api;
        this.admin = admin;
        this.limits = limits;
        this.config = config;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long started = System.nanoTime();
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        String path = pathOf(request);
        String client = clientAddress(request);
        Exchange exchange = new Exchange(request, response, callback, started, method, path, client);
        ApiResponse early = guarded(exchange, () -> beforeBody(exchange));
        if (early != null) {
            exchange.respond(early);
            return true;
        }
        AsyncBody.read(request, config.maxBodyBytes(), new AsyncBody.Outcome() {
            @Override
            public void read(byte[] body) {
                exchange.respond(guarded(exchange, () -> route(exchange, body)));
            }

            @Override
            public void tooLarge() {
                exchange.respond(guarded(exchange, () -> {
                    throw ApiHandler.tooLarge(config.maxBodyBytes());
                }));
            }

            @Override
            public void failed(boolean timedOut) {
                exchange.respond(timedOut
                        ? ApiResponse.json(408, ErrorBodies.of("RequestTimeout", "the request body did not arrive in time"))
                        : ApiResponse.json(400, ErrorBodies.of("BadRequest", "the request body could not be read")));
            }
        });
        return true;
    }

    /** One request on its way to an answer. */
    private final class Exchange {
        final Request request;
        final Response response;
        final Callback callback;
        final long started;
        final String method;
        final String path;
        final String client;

        Exchange(Request request, Response response, Callback callback, long started, String method, String path, String client) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.started = started;
            this.method = method;
            this.path = path;
            this.client = client;
        }

        void respond(ApiResponse answer) {
            byte[] body = answer.json() == null ? new byte[0] : answer.json().getBytes(StandardCharsets.UTF_8);
            writeHeaders(request, response, answer, body.length);
            int status = answer.status();
            long bytes = body.length;
            response.write(true, ByteBuffer.wrap(body), Callback.from(() -> {
                callback.succeeded();
                accessLog.log(Instant.now(), method, path, status, (System.nanoTime() - started) / 1_000_000, client, bytes);
            }, failure -> {
                callback.failed(failure);
                accessLog.log(Instant.now(), method, path, status, (System.nanoTime() - started) / 1_000_000, client, 0);
            }));
        }
    }

    /** An answer, or the error response for what the route threw. */
    private ApiResponse guarded(Exchange exchange, java.util.concurrent.Callable<ApiResponse> route) {
        try {
            return route.call();
        } catch (AuthException e) {
            return error(e);
        } catch (ApiError e) {
            return new ApiResponse(e.status(), ErrorBodies.of(e.errorCode(), e.getMessage()), e.headers());
        } catch (Exception e) {
            // The class only: a library's message may quote what it was given.
            LOG.log(Level.WARNING, "unexpected failure answering " + exchange.method + " " + safePath(exchange.path) + ": "
                    + e.getClass().getName());
            return ApiResponse.json(500, ErrorBodies.of(ErrorCode.INTERNAL.wireName(), "internal server error"));
        }
    }

    /** What is settled before the body is read: the limits, a preflight, a declared length over the limit. Null: read on. */
    private ApiResponse beforeBody(Exchange exchange) {
        // Before anything else, the body included: a refused client costs as little as possible.
        limits.admit(exchange.method, exchange.path, exchange.client);
        if (exchange.method.equals("OPTIONS")) {
            return preflight(exchange.request, exchange.request.getHeaders().get(HttpHeader.ORIGIN));
        }
        if (exchange.request.getLength() > config.maxBodyBytes()) {
            throw tooLarge(config.maxBodyBytes());
        }
        return null;
    }

    private ApiResponse route(Exchange exchange, byte[] body) {
        Request request = exchange.request;
        Map<String, List<String>> headers = new HashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getLowerCaseName(), k -> new ArrayList<>()).add(field.getValue());
        }
        ApiRequest apiRequest = new ApiRequest(exchange.method, exchange.path, query(request.getHttpURI().getQuery()), headers, body,
                exchange.client);
        return AdminApi.owns(exchange.path) ? admin.handle(apiRequest) : api.handle(apiRequest);
    }

    private ApiResponse preflight(Request request, String origin) {
        String asked = request.getHeaders().get(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD);
        if (origin == null || asked == null) {
            throw new ApiError(405, "MethodNotAllowed", "OPTIONS is only answered as a CORS preflight", Map.of("Allow", ALLOWED_METHODS));
        }
        if (!config.allowedOrigins().contains(origin)) {
            throw new ApiError(403, "Forbidden", "this origin may not call the API");
        }
        // The CORS headers themselves are added for every answer to an allowed origin (writeHeaders).
        return ApiResponse.empty(204)
                .withHeader("Access-Control-Allow-Methods", ALLOWED_METHODS)
                .withHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS)
                .withHeader("Access-Control-Max-Age", "600");
    }

    private static ApiError tooLarge(int max) {
        return new ApiError(413, "PayloadTooLarge", "the request body is larger than " + max + " bytes");
    }

    private String clientAddress(Request request) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return "unknown";
        }
        InetAddress peer = inet.getAddress();
        List<String> forwarded = request.getHeaders().getValuesList(HttpHeader.X_FORWARDED_FOR);
        return IpAddresses.text(config.trustedProxies().clientAddress(peer, forwarded));
    }

    private void writeHeaders(Request request, Response response, ApiResponse answer, int length) {
        response.setStatus(answer.status());
        var headers = response.getHeaders();
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Frame-Options", "DENY");
        // Auth answers hold tokens: nothing may keep them. A route that may be cached says so itself.
        headers.put("Cache-Control", "no-store");
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin != null && config.allowedOrigins().contains(origin)) {
            // The origin itself, never '*'; no Allow-Credentials: the API takes bearer tokens, not cookies.
            headers.put("Access-Control-Allow-Origin", origin);
            headers.put("Access-Control-Expose-Headers", "Retry-After");
        }
        if (!config.allowedOrigins().isEmpty()) {
            headers.put("Vary", "Origin");
        }
        answer.headers().forEach(headers::put);
        if (answer.json() != null) {
            headers.put("Content-Type", "application/json;charset=utf-8");
        }
        headers.put("Content-Length", Integer.toString(length));
    }

    static ApiResponse error(AuthException e) {
        int status = ErrorStatus.of(e.code());
        String message = status >= 500 && status != 502 ? "internal server error" : e.getMessage();
        if (status == 500) {
            LOG.log(Level.WARNING, "engine failure " + e.code() + ": " + e.getMessage());
        }
        ApiResponse answer = ApiResponse.json(status, ErrorBodies.of(e.code().wireName(), message));
        if (e.retryAfter().isPresent()) {
            answer = answer.withHeader("Retry-After", Long.toString(e.retryAfter().get().getSeconds()));
        }
        return answer;
    }

    private static String pathOf(Request request) {
        String path = Request.getPathInContext(request);
        return path == null || path.isEmpty() ? "/" : path;
    }

    private static String safePath(String path) {
        return path.length() > 100 ? path.substring(0, 100) + "..." : path.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("the query string is not well encoded");
            }
        }
        return query;
    }
}
