// Crawlee's CheerioCrawler on the bench's directory site: the side-by-side reference for `bench/run --vs-crawlee`.
// Crawls the same pages with the same rules as Trawl's bench job (follow a.city, a.page, a.listing within the
// site; one item per detail page from article.biz) and prints one JSON line: pages, items, seconds.
// Crawlee gets its best setting: in-memory storage and a pool that starts (and stays) at the concurrency asked for
// (maxConcurrency alone would start at 10 and grow slowly).
//
//   node bench/crawlee.cjs <node_modules dir> <seed URL> <concurrency>
const path = require('path');
const [modules, seed, concurrencyArg] = process.argv.slice(2);
const { CheerioCrawler, Configuration, log } = require(path.join(modules, 'crawlee'));

const concurrency = Number(concurrencyArg || 50);
const site = seed.endsWith('/') ? seed : seed + '/';
const biz = site + 'biz/';
log.setLevel(log.LEVELS.WARNING);

async function main() {
    const config = new Configuration({ persistStorage: false, purgeOnStart: true });
    let pages = 0;
    const items = [];
    const crawler = new CheerioCrawler({
        maxConcurrency: concurrency,
        autoscaledPoolOptions: { desiredConcurrency: concurrency, minConcurrency: concurrency },
        maxRequestRetries: 3,
        maxRequestsPerCrawl: 1_000_000,
        async requestHandler({ request, $, enqueueLinks }) {
            pages++;
            const url = request.loadedUrl || request.url;
            if (url.startsWith(biz)) {
                $('article.biz').each((_, el) => {
                    const a = $(el);
                    items.push({
                        url,
                        name: a.find('h1').first().text().trim(),
                        phone: a.find('.phone').first().text().trim(),
                        address: a.find('.address').first().text().trim(),
                        category: a.find('.category').first().text().trim(),
                        rating: a.find('.rating').first().text().trim(),
                        site: a.find('a.site').first().attr('href') || null,
                    });
                });
            }
            await enqueueLinks({ selector: 'a.city, a.page, a.listing', strategy: 'same-origin',
                transformRequestFunction: (req) => (req.url.startsWith(site) ? req : false) });
        },
    }, config);
    const t0 = process.hrtime.bigint();
    await crawler.run([site]);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    process.stdout.write(JSON.stringify({ pages, items: items.length, seconds }) + '\n');
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
