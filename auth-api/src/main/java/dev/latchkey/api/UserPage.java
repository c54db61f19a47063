package dev.latchkey.api;

import java.util.List;
import java.util.Optional;

/**
 * One page of {@link AuthService#listUsers(String, int)}: users in ascending order of their ids,
 * and where the next page starts.
 *
 * <p>Pages are keyed by user id, not numbered: a caller that walks every page from the first
 * sees each user that existed for the whole walk exactly once, in order, however many users are
 * created or deleted meanwhile. A user created or deleted during the walk may or may not appear.
 *
 * @param users the users of this page, ascending by id; empty only when there are no users after
 *     the cursor
 * @param next the cursor for the next page (the id of this page's last user), or empty when this
 *     is the last page
 */
public record UserPage(List<UserInfo> users, Optional<String> next) {
    /**
     * Copies the list; a null cursor becomes empty.
     *
     * @param users see the record description
     * @param next see the record description
     */
    public UserPage {
        users = List.copyOf(users);
        next = next == null ? Optional.empty() : next;
    }
}
