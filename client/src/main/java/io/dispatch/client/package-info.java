/**
 * Reference Java client of the engine's binary protocol v1: {@link io.dispatch.client.DispatchClient} and its
 * value types. Public types state their threading in their javadoc; package-private types are owned by the
 * client's I/O thread unless they say otherwise.
 */
package io.dispatch.client;
