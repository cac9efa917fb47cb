package dev.weft.core.openflow;

import org.projectfloodlight.openflow.protocol.OFHello;

/**
 * A HELLO from a peer whose highest version is newer than any Loxi knows. Its elements (the
 * version bitmap) are laid out as in every version since 1.3.1, so the decoder reads it as the
 * newest known version and keeps the real version number here.
 */
record FutureVersionHello(OFHello hello, int wireVersion) {
}
