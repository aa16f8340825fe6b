# The greenlight Bitbucket pipe image: the static musl binary and the pipe's
# metadata, nothing else (no shell, no CA bundle: TLS roots are built in).
#
# This Dockerfile does not compile Rust (that would need a Rust base image);
# build the static binary first, then the image:
#
#   cargo build --release --locked --target x86_64-unknown-linux-musl
#   docker build -t greenlight/greenlight:0.1.0 .
#
# `.dockerignore` keeps the build context to the files copied below.
FROM scratch
COPY target/x86_64-unknown-linux-musl/release/greenlight /greenlight
COPY pipe.yml README.md LICENSE /
ENTRYPOINT ["/greenlight", "pipe"]
