package dev.latchkey.provider.email;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a {@link ResetFunction} is told, as App Services tells its reset functions.
 *
 * @param email the account's address
 * @param token the secret that completes the reset, single use, valid 30 minutes
 * @param tokenId the token's public id
 * @param newPassword the password asked for; already checked against the password policy
 * @param currentPasswordValid whether the password asked for is the account's current password, as
 *     App Services tells its functions (a function may refuse a "reset" to the same password). What
 *     the function answers can tell the caller whether a guess was right, so every call counts
 *     against the account's log-in budget like a failed log-in.
 * @param args the further arguments the caller gave: JSON values, unmodifiable
 */
public record ResetRequest(String email, String token, String tokenId, String newPassword, boolean currentPasswordValid,
                           List<Object> args) {

    /** Copies the arguments. */
    public ResetRequest {
        args = args == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(args));
    }

    /** Hides the token and the password. */
    @Override
    public String toString() {
        return "ResetRequest[email=" + email + ", tokenId=" + tokenId + ", currentPasswordValid=" + currentPasswordValid
                + ", args=" + args.size() + "]";
    }
}
