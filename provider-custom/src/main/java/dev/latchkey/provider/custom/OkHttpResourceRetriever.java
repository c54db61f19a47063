package dev.latchkey.provider.custom;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.latchkey.api.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Nimbus's way of fetching the JWK Set, over the engine's shared {@link OkHttpClient} (SECURITY.md 7):
 * a timeout of its own for the whole call, redirects never followed, at most
 * {@link #MAX_ANSWER_BYTES} read, strict UTF-8. Every failure is a {@link JwksFetchFailure}: NETWORK
 * when unreachable or too slow, PROVIDER_BACKEND for a status other than 2xx, an answer too large
 * or not text, RATE_LIMITED for 429.
 */
final class OkHttpResourceRetriever implements ResourceRetriever {
    /** The largest answer read: 1 MB. */
    static final int MAX_ANSWER_BYTES = 1_000_000;

    private final OkHttpClient http;

    OkHttpResourceRetriever(OkHttpClient shared, Duration timeout) {
        this.http = shared.newBuilder().callTimeout(timeout).readTimeout(timeout).connectTimeout(timeout)
                .followRedirects(false).followSslRedirects(false).build();
    }

    @Override
    public Resource retrieveResource(URL url) throws IOException {
        Request request = new Request.Builder().url(url).get().header("Accept", "application/json").build();
        try (Response response = http.newCall(request).execute()) {
            int status = response.code();
            if (status == 429) {
                throw new JwksFetchFailure(ErrorCode.RATE_LIMITED, "the token issuer's JWK Set endpoint is limiting requests (HTTP 429)");
            }
            if (status < 200 || status > 299) {
                throw new JwksFetchFailure(ErrorCode.PROVIDER_BACKEND, "the token issuer's JWK Set endpoint answered HTTP " + status);
            }
            return new Resource(read(response.body()), response.header("Content-Type"));
        } catch (JwksFetchFailure e) {
            throw e;
        } catch (InterruptedIOException e) {
            throw new JwksFetchFailure(ErrorCode.NETWORK, "the token issuer's JWK Set endpoint did not answer in time");
        } catch (IOException e) {
            throw new JwksFetchFailure(ErrorCode.NETWORK, "the token issuer's JWK Set endpoint could not be reached ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static String read(ResponseBody body) throws IOException {
        if (body == null) {
            throw new JwksFetchFailure(ErrorCode.PROVIDER_BACKEND, "the token issuer's JWK Set endpoint sent an empty answer");
        }
        byte[] bytes;
        try (InputStream in = body.byteStream()) {
            bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
        }
        if (bytes.length > MAX_ANSWER_BYTES) {
            throw new JwksFetchFailure(ErrorCode.PROVIDER_BACKEND, "the token issuer's JWK Set is larger than " + MAX_ANSWER_BYTES + " bytes");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new JwksFetchFailure(ErrorCode.PROVIDER_BACKEND, "the token issuer's JWK Set is not UTF-8 text");
        }
    }
}
