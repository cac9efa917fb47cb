package dev.weft.core.openflow;

/**
 * A well-framed message that could not be decoded. The frame is skipped (the stream stays in
 * sync) and the handler answers with an OpenFlow ERROR carrying the first bytes of the frame.
 *
 * @param wireVersion the version byte of the frame
 * @param type        the type byte of the frame
 * @param xid         the frame's xid, echoed in the ERROR
 * @param head        up to 64 bytes of the frame
 * @param badVersion  the version differs from the negotiated one
 * @param reason      what went wrong, for the log
 */
record DecodeFailure(int wireVersion, int type, long xid, byte[] head, boolean badVersion, String reason) {
}
