package dev.weft.api;

import org.projectfloodlight.openflow.types.DatapathId;

import java.util.Collection;
import java.util.Optional;

/** The connected switches. Safe to call from any thread. */
public interface SwitchService {

    /** The switches whose handshake has completed and that have not disconnected. */
    Collection<Switch> all();

    Optional<Switch> get(DatapathId id);
}
