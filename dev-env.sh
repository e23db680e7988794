# Development environment: shared target dir and ccache for DuckDB. Use: source dev-env.sh
export CARGO_TARGET_DIR=$HOME/.cache/tollgate/target
export CCACHE_DIR=$HOME/.cache/tollgate/ccache
export CCACHE_BASEDIR=$HOME
export CCACHE_NOHASHDIR=true
export CC="ccache gcc" CXX="ccache g++"
