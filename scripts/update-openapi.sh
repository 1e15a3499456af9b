#!/usr/bin/env bash
# Regenerates openapi.yaml from the running API (through the contract test), then shows the diff to review.
set -euo pipefail
cd "$(dirname "$0")/.."
UPDATE_OPENAPI=1 dotnet test Tests --filter "FullyQualifiedName~OpenApiContractTests.CommittedOpenApiYaml_MatchesTheRunningApi" --nologo -v q
git --no-pager diff --stat -- openapi.yaml || true
