// Reads a GraphML file with graphology-graphml (the reader of Gephi Lite and sigma.js), which refuses a file
// whose edge ids repeat, and prints what it loaded as JSON: {"nodes": N, "edges": M}.
const fs = require("fs");
const { MultiDirectedGraph } = require("graphology");
const graphml = require("graphology-graphml");

const text = fs.readFileSync(process.argv[2], "utf-8");
const graph = graphml.parse(MultiDirectedGraph, text);
process.stdout.write(JSON.stringify({ nodes: graph.order, edges: graph.size }) + "\n");
