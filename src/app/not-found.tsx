import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="mx-auto mt-24 max-w-md px-6 text-center">
      <p className="text-sm font-medium text-zinc-400">404</p>
      <h1 className="mt-1 text-xl font-semibold">Not found</h1>
      <p className="mt-2 text-sm text-zinc-500">
        This page does not exist, or what it shows belongs to another project.
      </p>
      <Link href="/" className="mt-5 inline-block text-sm font-medium text-zinc-900 underline">
        Go to runs
      </Link>
    </div>
  );
}
