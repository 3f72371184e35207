import { contentETag, noneMatchNames } from './content-etag';

describe('contentETag', () => {
  it('given the same body as text or as bytes, then the same weak tag; given another body, then another', () => {
    const tag = contentETag('programme_id,title\n');
    expect(tag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    expect(contentETag(Buffer.from('programme_id,title\n'))).toBe(tag);
    expect(contentETag('programme_id,title\r\n')).not.toBe(tag);
  });
});

describe('noneMatchNames', () => {
  const tag = contentETag('a,b\n');
  const opaque = tag.slice(2);

  it('given the tag as sent, or its strong form (weak comparison), then it names the answer', () => {
    expect(noneMatchNames(tag, tag)).toBe(true);
    expect(noneMatchNames(opaque, tag)).toBe(true);
  });

  it('given a list, then one of its tags naming the answer is enough, with or without spaces', () => {
    expect(noneMatchNames(`"other", ${tag}`, tag)).toBe(true);
    expect(noneMatchNames(`W/"other",${opaque}`, tag)).toBe(true);
  });

  it('given *, then any current answer is named', () => {
    expect(noneMatchNames(' * ', tag)).toBe(true);
  });

  it('given no header, other tags, or text that holds no entity tag, then nothing is named', () => {
    expect(noneMatchNames(undefined, tag)).toBe(false);
    expect(noneMatchNames('W/"other", "another"', tag)).toBe(false);
    expect(noneMatchNames(opaque.slice(1, -1), tag)).toBe(false);
    expect(noneMatchNames('', tag)).toBe(false);
  });
});
