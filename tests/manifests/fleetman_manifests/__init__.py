"""Offline validation of Fleetman's Kubernetes manifests: render, schema-check, policy-check."""
