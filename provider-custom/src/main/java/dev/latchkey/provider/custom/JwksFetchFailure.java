package dev.latchkey.provider.custom;

import dev.latchkey.api.ErrorCode;
import java.io.IOException;

/**
 * Why a fetch of the JWK Set failed, carried through Nimbus's key sources (which wrap it) to
 * {@link JwkSetKeys}, which turns it into the {@link dev.latchkey.api.AuthException} to throw.
 * The message names what happened, never a URL or a body.
 */
final class JwksFetchFailure extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient ErrorCode code;

    JwksFetchFailure(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    ErrorCode code() {
        return code;
    }
}
