package dev.weft.core.openflow;

/**
 * Kinds of trouble a peer can cause on its connection. Each is counted (per connection and in
 * total) and logged at most once per {@link PeerFaults#LOG_INTERVAL_NANOS} per connection; none
 * logs a stack trace, because none is a fault of ours.
 */
public enum PeerFault {
    /** The length field cannot be trusted (below 8): the stream cannot be followed; the connection ends. */
    BROKEN_FRAMING("sent a header with an impossible length; closing"),
    /** A well-framed message Loxi cannot decode: answered with ERROR BAD_REQUEST. */
    UNDECODABLE("sent an undecodable message; answered with an error"),
    /** A message in another version than the negotiated one: answered with ERROR BAD_REQUEST/BAD_VERSION. */
    WRONG_VERSION("sent a message in another OpenFlow version; answered with an error"),
    /** A message other than HELLO before the HELLO: answered with an error, the HELLO still awaited. */
    BEFORE_HELLO("sent a message before its HELLO; answered with an error"),
    /** A frame in a PACKET_IN whose headers were partly unparsable (still given to apps as far as parsed). */
    UNPARSED_FRAME("sent a PACKET_IN whose frame is partly unparsable"),
    /** A PACKET_IN the apps cannot use (no Ethernet header, no in_port): dropped. */
    PACKET_IN_DROPPED("sent a PACKET_IN without an Ethernet frame or in_port; dropped"),
    /** More messages during the handshake than are kept for later: the excess is dropped. */
    HANDSHAKE_QUEUE_FULL("sent more messages during the handshake than are kept; excess dropped"),
    /** More ports than a switch may report: the excess is ignored. */
    TOO_MANY_PORTS("reported more ports than are kept; the rest are ignored"),
    /** A multipart reply larger than is aggregated: the request fails. */
    MULTIPART_TOO_LARGE("sent a multipart reply larger than is kept; the request failed"),
    /** An unsolicited or unexpected message (a reply nobody waits for): ignored. */
    UNEXPECTED("sent an unexpected message; ignored");

    private final String text;

    PeerFault(String text) {
        this.text = text;
    }

    /** What the peer did, as a log phrase after its name. */
    String text() {
        return text;
    }
}
