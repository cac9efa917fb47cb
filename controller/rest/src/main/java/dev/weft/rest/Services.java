package dev.weft.rest;

import java.util.Optional;

/** Where the API finds optional services (migration history, counters): the controller's registry. */
@FunctionalInterface
public interface Services {
    <S> Optional<S> get(Class<S> type);
}
