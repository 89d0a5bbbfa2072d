console.log('procnet cli: not wired yet');
