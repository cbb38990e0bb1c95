# syntax=docker/dockerfile:1
#
# ha-audit as a container image: a static (musl) binary, CA certificates and a non-root user,
# nothing else: no shell, no package manager.
#
#   docker build -t ha-audit .
#   docker run --rm ha-audit scan --snapshot /usr/share/ha-audit/demo-account.json --fail-on never
#   docker run --rm -v ~/.aws:/home/ha-audit/.aws:ro -e AWS_PROFILE=prod \
#     --user "$(id -u):$(id -g)" ha-audit scan --region eu-west-1
#
# (--user: ~/.aws files are usually readable by their owner alone.)
#
# `--target ci` builds the same binary on busybox instead, for CI systems that run their job
# scripts with a shell inside the image (GitLab CI).

# Alpine's toolchain targets musl natively, so the binary Cargo builds here is static, and
# aws-lc-sys and ring (the C code of the SDK's TLS stack) are compiled by the same musl gcc.
FROM rust:1-alpine AS builder
# Unpinned: the packages follow the Alpine release of the rust:1-alpine image.
# hadolint ignore=DL3018
RUN apk add --no-cache build-base ca-certificates
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    CARGO_PROFILE_RELEASE_STRIP=symbols cargo build --release --locked \
    && install -D -m 0755 target/release/ha-audit /rootfs/usr/local/bin/ha-audit
# The final image's file system, assembled here because `scratch` has no tools to make it.
RUN install -D -m 0644 /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ca-certificates.crt \
    && install -D -m 0644 fixtures/demo-account.json /rootfs/usr/share/ha-audit/demo-account.json \
    && printf 'root:x:0:0:root:/root:/sbin/nologin\nha-audit:x:10001:10001:ha-audit:/home/ha-audit:/sbin/nologin\n' > /rootfs/etc/passwd \
    && printf 'root:x:0:\nha-audit:x:10001:\n' > /rootfs/etc/group \
    && install -d -m 0755 /rootfs/home/ha-audit /rootfs/work \
    && install -d -m 1777 /rootfs/tmp

# With a shell (busybox), for CI jobs; otherwise the same as the runtime image below.
FROM busybox:musl AS ci
COPY --from=builder /rootfs/usr /usr
COPY --from=builder /rootfs/etc/ssl /etc/ssl
RUN adduser -D -u 10001 -h /home/ha-audit ha-audit
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 10001:10001
WORKDIR /home/ha-audit
ENTRYPOINT ["/usr/local/bin/ha-audit"]
CMD ["--help"]

# The default image. The SDK reads CA certificates from the system store (SSL_CERT_FILE
# names it), and finds ~/.aws through HOME.
FROM scratch AS runtime
COPY --from=builder /rootfs/ /
COPY --from=builder --chown=10001:10001 /rootfs/home/ha-audit /home/ha-audit
COPY --from=builder --chown=10001:10001 /rootfs/work /work
ENV HOME=/home/ha-audit \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/ha-audit"]
CMD ["--help"]
