#!/bin/sh
# Add cdassess to the desktop's application menu (for this user): writes
# ~/.local/share/applications/cdassess.desktop pointing at the executable in this folder, and the icon.
# Run it again after moving the folder. Remove with: rm ~/.local/share/applications/cdassess.desktop
set -eu
here=$(cd "$(dirname "$0")" && pwd)
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/512x512/apps"
mkdir -p "$apps" "$icons"
cp "$here/cdassess.png" "$icons/cdassess.png"
sed "s|^Exec=cdassess|Exec=\"$here/cdassess\"|" "$here/cdassess.desktop" > "$apps/cdassess.desktop"
chmod 644 "$apps/cdassess.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$apps" >/dev/null 2>&1 || true
echo "cdassess added to the application menu ($apps/cdassess.desktop)"
