/**
 * The model of a HealthLake IdP Lambda decision: the {@link io.github.smartauthorizer.api.HealthLakeRequest} that
 * HealthLake sends, the {@link io.github.smartauthorizer.api.HealthLakeResponse} it expects, and the two steps between
 * them, {@link io.github.smartauthorizer.api.TokenValidator} and {@link io.github.smartauthorizer.api.ClaimMapper}.
 * This package and {@code api.spi} depend on nothing but the JDK.
 */
package io.github.smartauthorizer.api;
