#!/bin/sh
# Carry the public site as files (`sengen site build DIR`) from the LGWAN side to the internet
# side (三層の対策: no database link crosses, files do). docs/operations.md "The public site as files".
#
#   deploy/sengen-site-sync.sh /srv/sengen-site web@www.city.example.jp:/srv/sengen-site/
#       rsync over SSH where the city's network allows it: only changed files travel, files no
#       longer published are deleted on the far side, and the new files appear together at the
#       end (--delay-updates), so a reader never gets a page whose PDF has not arrived yet.
#   deploy/sengen-site-sync.sh /srv/sengen-site --zip /mnt/transfer/sengen-site.zip
#       one ZIP for the city's approved file-transfer path (無害化 / ファイル受渡しシステム); on
#       the far side: unzip -o -q sengen-site.zip -d /srv/sengen-site.new && swap the directories.
#
# Both check first that the tree is what the database publishes (sengen site build --check),
# and carry nothing if it is not. The build's manifest, lock, log and cache (.sengen-*) never
# leave the LGWAN side.
set -eu

usage() {
    echo "usage: $0 SITE_DIR DESTINATION | $0 SITE_DIR --zip FILE.zip" >&2
    exit 2
}

[ $# -ge 2 ] || usage
SITE_DIR=$1
SENGEN=${SENGEN:-sengen}

if [ ! -f "$SITE_DIR/.sengen-site.json" ]; then
    echo "$0: $SITE_DIR is not a site built by sengen site build" >&2
    exit 2
fi

# A tree that differs from the database (a build that failed halfway, a file edited by hand)
# is not carried across: exit status 2 and the list of files, from sengen itself.
"$SENGEN" site build "$SITE_DIR" --check

if [ "$2" = "--zip" ]; then
    [ $# -eq 3 ] || usage
    # The build writes the ZIP from the tree it has just checked (the same bytes for the same tree).
    exec "$SENGEN" site build "$SITE_DIR" --zip "$3"
fi

[ $# -eq 2 ] || usage
exec rsync --archive --delete --delay-updates --human-readable --itemize-changes \
    --exclude='.sengen-*' "$SITE_DIR"/ "$2"
