/**
 * The strict JSON reader every part of the authorizer reads untrusted JSON with (HealthLake events, JOSE headers and
 * claims, JWKS and discovery documents, introspection answers, role-mapping documents), here so that the handler and
 * every provider, built-in or custom, share one reader and its guarantees.
 */
package io.github.smartauthorizer.api.json;
