package dev.latchkey.core.store;

import dev.latchkey.api.UserType;
import java.time.Instant;

/**
 * A user to create if its identity is new.
 *
 * @param id the id to give it
 * @param type person or server
 * @param createdAt now
 */
public record NewUser(String id, UserType type, Instant createdAt) {
}
