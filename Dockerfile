# youmeet in a container: build the single executable, run it as a non-root user.
#
#   docker build -t youmeet .
#   docker run -d --name youmeet --network host -v youmeet:/data \
#     -e YOUMEET_PUBLIC_URL=https://meet.example.com youmeet
#
# Host networking is on purpose: the calls feature relays media over a range of UDP ports,
# and publishing a large range with -p makes Docker start one proxy process per port.
# Give settings as YOUMEET_* environment variables rather than flags after the image name:
# the HEALTHCHECK below runs `youmeet healthcheck` with the container's environment only.

# Build stage: Node.js and npm only; Bun arrives as a pinned npm devDependency.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && ./dist/youmeet --version

# Runtime stage: the executable needs glibc and /proc, nothing else. (distroless "static"
# has no glibc and cannot run it; debian:12-slim can.)
FROM debian:12-slim
RUN groupadd --gid 10001 youmeet \
 && useradd --uid 10001 --gid youmeet --no-create-home --home-dir /data --shell /usr/sbin/nologin youmeet \
 && mkdir /data \
 && chown youmeet:youmeet /data
COPY --from=build /src/dist/youmeet /usr/local/bin/youmeet
# Loopback-only dev login is refused with YOUMEET_HOST=0.0.0.0, which is what a container wants.
ENV YOUMEET_DATA_DIR=/data \
    YOUMEET_HOST=0.0.0.0
USER youmeet
WORKDIR /data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["youmeet", "healthcheck"]
ENTRYPOINT ["youmeet"]
CMD ["serve"]
