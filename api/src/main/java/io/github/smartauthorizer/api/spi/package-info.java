/**
 * What a provider implements and receives: {@link io.github.smartauthorizer.api.spi.AuthorizerProvider}, found with
 * {@link java.util.ServiceLoader} by name, and the {@link io.github.smartauthorizer.api.spi.ProviderContext} that hands
 * it configuration, secrets, a clock and its time budget.
 */
package io.github.smartauthorizer.api.spi;
