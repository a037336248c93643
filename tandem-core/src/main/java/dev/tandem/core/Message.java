package dev.tandem.core;

/** A message one node's protocol machine sends to another's. */
public interface Message {
    /** The node that sent it. */
    NodeId from();
}
