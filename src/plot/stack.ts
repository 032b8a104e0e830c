// Figures one above the other in one SVG (loss curves over a sharpness curve, say): each stays a
// complete <svg> of its own, nested at its offset, so nothing of it needs redrawing.
export function stackFigures(svgs: readonly string[]): string {
  const sizes = svgs.map((s) => {
    const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(s);
    if (!m) throw new Error('stackFigures: every figure must be an <svg> with width and height');
    return { width: Number(m[1]), height: Number(m[2]) };
  });
  const width = sizes.reduce((w, s) => Math.max(w, s.width), 0);
  const height = sizes.reduce((a, s) => a + s.height, 0);
  let y = 0;
  const parts = svgs.map((s, i) => {
    const nested = s.replace(/^<svg /, `<svg x="0" y="${y}" `);
    y += sizes[i].height;
    return nested;
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="sans-serif" font-size="12">\n${parts.join('')}</svg>\n`
  );
}
