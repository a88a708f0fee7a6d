/** Where each Debian package installs the images the golden set is drawn from. */
export const SOURCES = {
  'openclipart-png': '/usr/share/openclipart/png',
  'gnome-backgrounds': '/usr/share/backgrounds/gnome',
  'mate-backgrounds': '/usr/share/backgrounds/mate',
} as const;

export type SourcePackage = keyof typeof SOURCES;

export function isSourcePackage(name: string): name is SourcePackage {
  return Object.hasOwn(SOURCES, name);
}
